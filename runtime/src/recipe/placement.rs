//! Structured signature headers (`t=…,v1=…`) written from a signature; reading them back is
//! [`HeaderValue::parse`], pure data work in the schema crate.

use super::{HeaderItemValue, HeaderValue, Message, RecipeError};

/// Writes a structured signature header; a trait because [`HeaderValue`] is a schema type and
/// writing needs the message's inputs, which belong to the runtime.
pub trait RenderHeader {
    /// The header's value carrying `signature`, the inputs read from `message`.
    fn render(&self, signature: &str, message: &Message<'_>) -> Result<String, RecipeError>;
}

impl RenderHeader for HeaderValue {
    /// The header's value carrying `signature`, the inputs read from `message`.
    fn render(&self, signature: &str, message: &Message<'_>) -> Result<String, RecipeError> {
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
}
