//! Headers made of credentials as security schemes: an API key in a header, HTTP Basic, a
//! bearer token.

use serde_json::{Map, Value, json};

use crate::ir::{Gateway, Header, HeaderValue};

/// Every header of the gateway and its operations that carries credentials, by header name.
pub fn schemes(gateway: &Gateway) -> Map<String, Value> {
    all_headers(gateway)
        .filter(|h| !h.value.credentials().is_empty())
        .map(|header| (header.name.clone(), scheme(header)))
        .collect()
}

fn all_headers(gateway: &Gateway) -> impl Iterator<Item = &Header> {
    gateway
        .headers
        .iter()
        .chain(gateway.operations.iter().flat_map(|o| &o.headers))
}

fn scheme(header: &Header) -> Value {
    let credentials = header.value.credentials().join(", ");
    let description = format!("{} (credentials: {credentials})", header.doc);
    match &header.value {
        HeaderValue::Basic(..) if header.name.eq_ignore_ascii_case("Authorization") => {
            json!({ "type": "http", "scheme": "basic", "description": description })
        }
        HeaderValue::Text(text)
            if header.name.eq_ignore_ascii_case("Authorization")
                && text.starts_with("Bearer {") =>
        {
            json!({ "type": "http", "scheme": "bearer", "description": description })
        }
        _ => json!({
            "type": "apiKey",
            "in": "header",
            "name": header.name,
            "description": description,
            "x-oneclick-value": header.value.to_string(),
        }),
    }
}

/// The schemes one operation's request carries together: the gateway's and its own.
pub fn requirement(gateway: &Gateway, own: &[Header]) -> Map<String, Value> {
    gateway
        .headers
        .iter()
        .chain(own)
        .filter(|h| !h.value.credentials().is_empty())
        .map(|header| (header.name.clone(), json!([])))
        .collect()
}
