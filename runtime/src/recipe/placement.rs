//! Structured signature headers (`t=…,v1=…`): written from a signature and read back.

use super::{HeaderItemValue, HeaderValue, Message, RecipeError};

/// What a received structured header carries, borrowed from it.
#[derive(Debug, PartialEq, Eq)]
pub struct ParsedHeader<'h> {
    /// The signature item's value.
    pub signature: &'h str,
    /// The input items' values by input name, to be signed along with the message.
    pub inputs: Vec<(&'static str, &'h str)>,
}

impl HeaderValue {
    /// The header's value carrying `signature`, the inputs read from `message`.
    pub fn render(&self, signature: &str, message: &Message<'_>) -> Result<String, RecipeError> {
        if self.items.is_empty() {
            return Ok(signature.to_owned());
        }
        let mut value = String::new();
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                value.push_str(self.separator);
            }
            value.push_str(item.name);
            value.push_str(self.assign);
            match item.value {
                HeaderItemValue::Signature => value.push_str(signature),
                HeaderItemValue::Input(name) => {
                    let (_, input) = message
                        .inputs
                        .iter()
                        .find(|(given, _)| *given == name)
                        .ok_or(RecipeError::MissingInput(name))?;
                    value.push_str(input.expose());
                }
            }
        }
        Ok(value)
    }

    /// Reads a received header's value. Items of other names are passed over (a gateway may
    /// add `v0=` or a later version); every declared item must be present exactly once and
    /// every item must have the `name=value` form, or the header is `None`.
    pub fn parse<'h>(&self, header: &'h str) -> Option<ParsedHeader<'h>> {
        if self.items.is_empty() {
            return Some(ParsedHeader {
                signature: header.trim(),
                inputs: Vec::new(),
            });
        }
        let mut found: Vec<Option<&'h str>> = vec![None; self.items.len()];
        for part in header.split(self.separator) {
            let (name, value) = part.trim().split_once(self.assign)?;
            if let Some(index) = self.items.iter().position(|item| item.name == name) {
                if found[index].replace(value).is_some() {
                    return None;
                }
            }
        }
        let mut signature = None;
        let mut inputs = Vec::new();
        for (item, value) in self.items.iter().zip(found) {
            match item.value {
                HeaderItemValue::Signature => signature = Some(value?),
                HeaderItemValue::Input(name) => inputs.push((name, value?)),
            }
        }
        Some(ParsedHeader {
            signature: signature?,
            inputs,
        })
    }
}
