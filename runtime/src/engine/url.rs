//! Where a request goes and what travels beside its body: the checked base URL, the operation's
//! path template filled with percent-encoded path fields, the query string and the header fields.

use serde_json::Value;

use crate::error::{Error, RuleKind};
use crate::schema::{Field, Location, Operation};
use crate::validate::push_segment;

use super::Engine;
use super::prepare::invalid;
use super::sign::Signed;

/// The URL of one attempt, and the same with sensitive path and query values masked when any
/// is present.
pub(super) struct BuiltUrl {
    pub(super) url: String,
    pub(super) masked: Option<String>,
}

impl Engine {
    /// Moves the path and query fields out of `body` into the operation's path template and
    /// query string, with the signatures `signed` places there: a path placeholder no field
    /// fills is a signature's, and signature parameters follow the query fields.
    pub(super) fn build_url(
        &self,
        op: &'static Operation,
        body: &mut Value,
        signed: &Signed,
    ) -> Result<BuiltUrl, Error> {
        let path_values = take_fields(op, body, Location::Path);
        let mut url = String::from(&*self.base_url);
        let mut masked = url.clone();
        let mut any_masked = false;
        let mut rest = op.path;
        while let Some((before, after)) = rest.split_once('{') {
            let Some((name, after)) = after.split_once('}') else {
                return Err(Error::Config(format!(
                    "operation {}: unbalanced path template",
                    op.id
                )));
            };
            url.push_str(before);
            masked.push_str(before);
            if let Some((_, signature)) = signed.path.iter().find(|(n, _)| *n == name) {
                // A signature is no secret, and Base64 may hold `/`: encoded like any value.
                push_percent_encoded(&mut url, signature);
                push_percent_encoded(&mut masked, signature);
                rest = after;
                continue;
            }
            let Some((field, value)) = path_values.iter().find(|(f, _)| f.wire == name) else {
                return Err(invalid(
                    &pointer(name),
                    RuleKind::Required,
                    "path parameter",
                ));
            };
            let text = scalar_text(field, value)?;
            // URL parsers resolve "." and ".." segments (even percent-encoded), which would send
            // the request to another endpoint; an empty segment would shift the path.
            if matches!(text.as_str(), "" | "." | "..") {
                return Err(invalid(&pointer(name), RuleKind::Format, "path segment"));
            }
            any_masked |= push_value(&mut url, &mut masked, field, &text);
            rest = after;
        }
        url.push_str(rest);
        masked.push_str(rest);
        let query_fields = take_fields(op, body, Location::Query);
        for (i, (field, value)) in query_fields.iter().enumerate() {
            let text = scalar_text(field, value)?;
            let separator = if i == 0 { '?' } else { '&' };
            for target in [&mut url, &mut masked] {
                target.push(separator);
                push_percent_encoded(target, field.wire);
                target.push('=');
            }
            any_masked |= push_value(&mut url, &mut masked, field, &text);
        }
        for (i, (name, signature)) in signed.query.iter().enumerate() {
            let separator = if i + query_fields.len() == 0 {
                '?'
            } else {
                '&'
            };
            for target in [&mut url, &mut masked] {
                target.push(separator);
                push_percent_encoded(target, name);
                target.push('=');
                push_percent_encoded(target, signature);
            }
        }
        Ok(BuiltUrl {
            url,
            masked: any_masked.then_some(masked),
        })
    }
}

/// Moves the header fields out of `body`: their names and values, in spec order.
pub(super) fn take_header_fields(
    op: &'static Operation,
    body: &mut Value,
) -> Result<Vec<(&'static Field, String)>, Error> {
    take_fields(op, body, Location::Header)
        .into_iter()
        .map(|(field, value)| {
            let text = scalar_text(field, &value)?;
            // A line break would end the header and smuggle another one in after it.
            if text.chars().any(|c| c.is_control()) {
                return Err(invalid(
                    &pointer(field.wire),
                    RuleKind::Format,
                    "header value",
                ));
            }
            Ok((field, text))
        })
        .collect()
}

/// The request's fields at `location` that are present, taken out of `body`, in spec order.
fn take_fields(
    op: &'static Operation,
    body: &mut Value,
    location: Location,
) -> Vec<(&'static Field, Value)> {
    let Value::Object(map) = body else {
        return Vec::new();
    };
    op.request
        .fields
        .iter()
        .filter(|field| field.location == location)
        .filter_map(|field| Some((field, map.shift_remove(field.wire)?)))
        .collect()
}

fn pointer(wire: &str) -> String {
    let mut pointer = String::new();
    push_segment(&mut pointer, wire);
    pointer
}

/// The text of a value that travels outside the body: only scalars have one.
fn scalar_text(field: &Field, value: &Value) -> Result<String, Error> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(invalid(&pointer(field.wire), RuleKind::Type, "string")),
    }
}

/// An environment's base URL with its `{name}` placeholders replaced by the merchant's values.
///
/// A value is a piece of a host name or a path segment: one that is empty or holds `/`, `?`,
/// `#`, `@`, `\`, whitespace or a control character could move the request to another host or
/// path, and is refused. Messages name the variable, not its value.
pub fn fill_base_url(template: &str, values: &[(&str, &str)]) -> Result<String, Error> {
    let mut url = String::new();
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        let Some((name, after)) = after.split_once('}') else {
            return Err(Error::Config("base URL: unbalanced `{`".to_owned()));
        };
        let Some((_, value)) = values.iter().find(|(n, _)| *n == name) else {
            return Err(Error::Config(format!("base URL: no value for `{name}`")));
        };
        let unsafe_char = |c: char| {
            matches!(c, '/' | '?' | '#' | '@' | '\\') || c.is_whitespace() || c.is_control()
        };
        if value.is_empty() || value.contains(unsafe_char) {
            return Err(Error::Config(format!(
                "base URL: `{name}` must be non-empty, without `/`, `?`, `#`, `@`, `\\` or whitespace"
            )));
        }
        url.push_str(before);
        url.push_str(value);
        rest = after;
    }
    url.push_str(rest);
    Ok(url)
}

/// Checks the base URL and returns it without a trailing slash, and whether it is plain HTTP to
/// loopback. Messages never echo the URL: it may carry credentials in its user part.
pub(super) fn check_base_url(base_url: &str) -> Result<(String, bool), Error> {
    let bad = |why: &str| Err(Error::Config(format!("base URL: {why}")));
    let Ok(url) = reqwest::Url::parse(base_url) else {
        return bad("not an absolute URL");
    };
    if !url.username().is_empty() || url.password().is_some() {
        return bad("credentials in the URL are not allowed");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("a query or fragment is not allowed");
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return bad("no host");
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let loopback_http = match url.scheme() {
        "https" => false,
        // Card data and signed payment orders do not travel unencrypted; plain HTTP is for
        // test servers and simulators on this machine.
        "http" if loopback => true,
        "http" => return bad("plain http is allowed only to a loopback address"),
        _ => return bad("the scheme must be https"),
    };
    Ok((url.as_str().trim_end_matches('/').to_owned(), loopback_http))
}

/// Appends a path or query value to the URL and to its shown copy, where a sensitive value is
/// `***`; says whether it was masked.
fn push_value(url: &mut String, masked: &mut String, field: &Field, text: &str) -> bool {
    push_percent_encoded(url, text);
    if field.sensitive {
        masked.push_str("***");
    } else {
        push_percent_encoded(masked, text);
    }
    field.sensitive
}

/// RFC 3986 percent-encoding of a path segment or a query name or value: only unreserved
/// characters stay as they are, so Base64's `+`, `/` and `=` are encoded.
pub(super) fn push_percent_encoded(url: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            url.push(char::from(b));
        } else {
            url.push('%');
            url.push(char::from(HEX[usize::from(b >> 4)]));
            url.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_only_unreserved() {
        let mut s = String::new();
        push_percent_encoded(&mut s, "aZ09-._~+/= @é");
        assert_eq!(s, "aZ09-._~%2B%2F%3D%20%40%C3%A9");
    }

    #[test]
    fn base_url_variables_take_one_label_or_segment() {
        let template = "https://{merchant_host}.gateway.example/api/{tenant}";
        assert_eq!(
            fill_base_url(template, &[("merchant_host", "shop-7"), ("tenant", "cz")]).unwrap(),
            "https://shop-7.gateway.example/api/cz"
        );
        for bad in [
            "",
            "evil.example/x",
            "a?b",
            "a#b",
            "user@evil",
            "a b",
            "a\tb",
            "a\\b",
        ] {
            let err =
                fill_base_url(template, &[("merchant_host", bad), ("tenant", "cz")]).unwrap_err();
            assert!(err.to_string().contains("`merchant_host`"), "{bad}: {err}");
        }
        assert!(fill_base_url(template, &[("merchant_host", "shop-7")]).is_err());
    }

    #[test]
    fn base_urls() {
        let ok = |u: &str| check_base_url(u).unwrap();
        assert_eq!(
            ok("https://api.platebnibrana.csob.cz/api/v1.9/"),
            (
                "https://api.platebnibrana.csob.cz/api/v1.9".to_owned(),
                false
            )
        );
        assert_eq!(
            ok("http://127.0.0.1:8080"),
            ("http://127.0.0.1:8080".to_owned(), true)
        );
        assert_eq!(
            ok("http://localhost:1/x"),
            ("http://localhost:1/x".to_owned(), true)
        );
        assert_eq!(ok("http://[::1]:1"), ("http://[::1]:1".to_owned(), true));
        for bad in [
            "http://example.com/",
            "http://10.0.0.1/",
            "ftp://127.0.0.1/",
            "https://user:pw@example.com/",
            "https://example.com/?a=b",
            "not a url",
            "",
        ] {
            let err = check_base_url(bad).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}");
            if !bad.is_empty() {
                assert!(!err.to_string().contains(bad));
            }
        }
        assert!(
            !check_base_url("https://user:secret@example.com/")
                .unwrap_err()
                .to_string()
                .contains("secret")
        );
    }
}
