//! Emitters: one module per kind of generated item.
