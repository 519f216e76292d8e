//! Stores with a ceiling. The simulator runs for days under load tests; whatever it remembers
//! per request (the request log, payments, idempotent answers) keeps only the newest entries, so
//! its memory stays flat however many requests it serves.

use std::collections::{BTreeMap, VecDeque};

/// The newest `capacity` items, oldest first.
#[derive(Debug, Clone)]
pub struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
}

impl<T> Ring<T> {
    pub fn new(capacity: usize) -> Self {
        Ring {
            items: VecDeque::new(),
            capacity,
        }
    }

    /// Appends `item`, dropping the oldest when full; a ring of capacity 0 keeps nothing.
    pub fn push(&mut self, item: T) {
        if self.capacity == 0 {
            return;
        }
        if self.items.len() == self.capacity {
            self.items.pop_front();
        }
        self.items.push_back(item);
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A map that forgets its oldest entries (by first insertion) beyond `capacity`.
#[derive(Debug, Clone)]
pub struct BoundedMap<K, V> {
    entries: BTreeMap<K, V>,
    /// Keys in insertion order; each key once.
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: Ord + Clone, V> BoundedMap<K, V> {
    pub fn new(capacity: usize) -> Self {
        BoundedMap {
            entries: BTreeMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    /// Inserts or replaces; a replaced entry keeps its age.
    pub fn insert(&mut self, key: K, value: V) {
        if self.capacity == 0 {
            return;
        }
        if self.entries.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
            if self.order.len() > self.capacity {
                if let Some(oldest) = self.order.pop_front() {
                    self.entries.remove(&oldest);
                }
            }
        }
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.entries.get(key)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.entries.get_mut(key)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
    {
        self.entries.contains_key(key)
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter()
    }

    /// Values in key order, to change in place; the keys and their ages stay.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.values_mut()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_the_newest() {
        let mut ring = Ring::new(3);
        for i in 0..5 {
            ring.push(i);
        }
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(ring.len(), 3);
        let mut none = Ring::new(0);
        none.push(1);
        assert!(none.is_empty());
    }

    #[test]
    fn map_forgets_the_oldest_and_replacing_keeps_age() {
        let mut map = BoundedMap::new(2);
        map.insert("a", 1);
        map.insert("b", 2);
        map.insert("a", 10);
        map.insert("c", 3);
        assert!(!map.contains_key("a"), "a is the oldest, replaced or not");
        assert_eq!(map.get("b"), Some(&2));
        if let Some(c) = map.get_mut("c") {
            *c = 30;
        }
        assert_eq!(map.iter().collect::<Vec<_>>(), [(&"b", &2), (&"c", &30)]);
        assert_eq!(map.len(), 2);
        let mut none = BoundedMap::new(0);
        none.insert("a", 1);
        assert!(none.is_empty());
    }
}
