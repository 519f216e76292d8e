//! The "On the wire" section of a request type's docs: what the client adds to the value a
//! caller builds, so nobody has to read the spec or the engine to know what leaves the machine.

use oneclick_schema::recipe::{Algorithm, FlatSort, HmacHash, RsaHash};

use crate::ir::{
    AnswerEncoding, Auto, Charset, Encoding, Field, Gateway, HeaderValue, Location, ObjectType,
    Operation, Piece, Placement, SignItem, SignShape, TIMESTAMP_INPUT, TypeRef,
};

/// The section for `request`, the request message of `op`.
pub(super) fn on_the_wire(gateway: &Gateway, op: &Operation, request: &ObjectType) -> String {
    let encoding = match op.encoding {
        Encoding::Form => "form-encoded",
        Encoding::Json => "JSON",
        Encoding::Query => "form-encoded text in the URL's query string, with no body",
    };
    let in_body = request.fields.iter().any(|f| f.location == Location::Body);
    let in_path = request.fields.iter().any(|f| f.location == Location::Path);
    let body_fields = if in_path {
        "the fields named in the path travel there, the others"
    } else {
        "the fields"
    };
    let delivery = match (in_body, in_path, op.response) {
        (false, true, _) if request.fields.iter().all(|f| f.location == Location::Path) => {
            "The client sends it without a body: every field travels in the path".to_string()
        }
        (false, _, _) => "The client sends it without a body".to_string(),
        (true, _, Some(_)) => format!("The client sends it: {body_fields} as {encoding}"),
        (true, _, None) => format!(
            "The client builds it for the customer's browser to send: {body_fields} as {encoding}"
        ),
    };
    let mut text = format!("# On the wire\n\n`{} {}`. {delivery}.", op.method, op.path);
    if let Some(answer) = answer(op) {
        text.push(' ');
        text.push_str(&answer);
    }
    let beside_the_body: Vec<String> = request
        .fields
        .iter()
        .filter_map(|f| match f.location {
            Location::Query => Some(format!("`{}` in the query string", f.wire)),
            Location::Header => Some(format!("`{}` as a header", f.wire)),
            Location::Body | Location::Path => None,
        })
        .collect();
    if !beside_the_body.is_empty() {
        text.push_str(&format!(" Also sent: {}.", beside_the_body.join(", ")));
    }
    let mut automatic = Vec::new();
    automatic_fields(gateway, &request.fields, "", &mut automatic);
    if !automatic.is_empty() {
        text.push_str("\n\nThe client fills in itself, so this type has no field for them:\n");
        for line in automatic {
            text.push_str(&format!("\n- {line}"));
        }
    }
    let headers: Vec<String> = gateway
        .headers
        .iter()
        .chain(&op.headers)
        .map(|h| {
            let value = match &h.value {
                HeaderValue::Credential(name) => format!("the credential `{name}`"),
                HeaderValue::Uuid => "a fresh UUID per request".to_string(),
                HeaderValue::IdempotencyKey => {
                    "a UUID per call, the same on its retries".to_string()
                }
                HeaderValue::Basic(user, password) => format!(
                    "HTTP Basic authentication with the credentials `{user}` and `{password}`"
                ),
                HeaderValue::Text(text) => format!("`{text}`"),
            };
            format!("- `{}`: {value}", h.name)
        })
        .collect();
    if !headers.is_empty() {
        text.push_str(&format!(
            "\n\nHeaders the client sets:\n\n{}",
            headers.join("\n")
        ));
    }
    if let Some(signed) = signed(gateway, request).map(|text| text + &carried(gateway, request)) {
        text.push_str(&format!("\n\n{signed}"));
    }
    text.push_str(&format!(
        "\n\nFrom `{}`, line {} (operation `{}`, line {}).",
        gateway.spec_path, request.line, op.id, op.line
    ));
    text
}

/// How the answer is read, when it is not the usual UTF-8 JSON.
fn answer(op: &Operation) -> Option<String> {
    op.response?;
    let charset = match op.answer.charset {
        Charset::Utf8 => String::new(),
        other => format!(" in {}", other.as_str()),
    };
    let text = match (op.answer.encoding, &op.answer.literal) {
        (AnswerEncoding::Json, _) if charset.is_empty() => return None,
        (AnswerEncoding::Json, _) => format!("The gateway answers JSON{charset}."),
        (AnswerEncoding::Form, _) => format!(
            "The gateway answers form-encoded (`code=0&message=OK`){charset}; each value is read \
             into its field's type."
        ),
        (AnswerEncoding::Literal, literal) => format!(
            "The gateway answers exactly `{}`{charset}; any other body is an error.",
            literal.as_deref().unwrap_or_default()
        ),
        (AnswerEncoding::Empty, _) => {
            "The gateway answers with no body; a body is an error.".to_string()
        }
    };
    Some(text)
}

/// The automatic fields among `fields` and in the objects they contain, as list items.
fn automatic_fields(gateway: &Gateway, fields: &[Field], prefix: &str, out: &mut Vec<String>) {
    for field in fields {
        let path = format!("{prefix}{}", field.wire);
        match &field.auto {
            Some(Auto::Credential(name)) => {
                out.push(format!("`{path}`: the credential `{name}`"));
            }
            Some(Auto::Dttm) => out.push(format!("`{path}`: the current date and time")),
            Some(Auto::Signature) => out.push(format!("`{path}`: the signature")),
            Some(Auto::Const(value)) => out.push(format!("`{path}`: always `{value}`")),
            None => {
                if let Some(object) = contained_object(&field.ty) {
                    let fields = &gateway.objects[object].fields;
                    automatic_fields(gateway, fields, &format!("{path}."), out);
                }
            }
        }
    }
}

fn contained_object(ty: &TypeRef) -> Option<usize> {
    match ty {
        TypeRef::Object(index) => Some(*index),
        TypeRef::List(inner) => contained_object(inner),
        _ => None,
    }
}

/// What the first signature covers, or `None` for an unsigned message.
fn signed(gateway: &Gateway, request: &ObjectType) -> Option<String> {
    let recipe = &gateway.recipes[*request.recipes.first()?];
    let algorithm = algorithm_name(recipe.algorithm);
    let order = recipe.text.iter().find_map(|piece| match piece {
        Piece::Order(format) => Some(format),
        _ => None,
    });
    let flat = recipe.text.iter().find_map(|piece| match piece {
        Piece::Flat(flat) => Some(flat),
        _ => None,
    });
    Some(match (order, &request.signature, flat) {
        (Some(format), Some(fields), _) => {
            let steps: Vec<String> = fields
                .iter()
                .enumerate()
                .map(|(i, item)| format!("{}. {}", i + 1, sign_item(gateway, item)))
                .collect();
            format!(
                "Signed with {algorithm} over these values joined with `{}`, in this order:\n\n{}",
                format.separator,
                steps.join("\n")
            )
        }
        (_, _, Some(flat)) => {
            let excluded: Vec<String> = flat.exclude.iter().map(|k| format!("`{k}`")).collect();
            let sort = match flat.sort {
                FlatSort::PathBytes => "sorted by path",
                FlatSort::Natural => "sorted by path in natural order",
                FlatSort::Lines => "sorted as whole lines",
            };
            format!(
                "Signed with {algorithm} over every field but {}, at any depth, flattened to \
                 `path{}value` and {sort}.",
                excluded.join(", "),
                flat.assign
            )
        }
        _ => format!("Signed with {algorithm} by the recipe `{}`.", recipe.name),
    })
}

/// Where the request's signatures travel outside its fields, as sentences after the first.
fn carried(gateway: &Gateway, request: &ObjectType) -> String {
    request
        .recipes
        .iter()
        .filter_map(|i| match &gateway.recipes[*i].placement {
            Placement::Path(name) => Some(format!(
                "\n\nThe signature fills `{{{name}}}` in the path, percent-encoded."
            )),
            Placement::Query(name) => Some(format!(
                "\n\nThe signature travels in the query parameter `{name}`."
            )),
            Placement::Header { name, items, .. } => {
                let timed = items
                    .iter()
                    .find(|(_, input)| input.as_deref() == Some(TIMESTAMP_INPUT));
                Some(match timed {
                    Some((item, _)) => format!(
                        "\n\nThe signature travels in the header `{name}`, beside `{item}`: the time of sending in Unix seconds, also signed, new on every attempt."
                    ),
                    None => format!("\n\nThe signature travels in the header `{name}`."),
                })
            }
            Placement::Field(_) | Placement::EachItem { .. } => None,
        })
        .collect()
}

fn algorithm_name(algorithm: Algorithm) -> String {
    match algorithm {
        Algorithm::RsaPkcs1(hash) => format!(
            "RSA (PKCS#1 v1.5, {})",
            match hash {
                RsaHash::Sha1 => "SHA-1",
                RsaHash::Sha256 => "SHA-256",
                RsaHash::Sha512 => "SHA-512",
            }
        ),
        Algorithm::Hmac(HmacHash::Sha256, _) => "HMAC-SHA256".to_owned(),
        Algorithm::Hmac(HmacHash::Sha512, _) => "HMAC-SHA512".to_owned(),
        Algorithm::Digest(digest) => format!("a {digest} digest"),
    }
}

fn sign_item(gateway: &Gateway, item: &SignItem) -> String {
    sign_shape(gateway, &format!("`{}`", item.wire), &item.shape)
}

fn sign_items(gateway: &Gateway, items: &[SignItem]) -> String {
    items
        .iter()
        .map(|item| sign_item(gateway, item))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sign_shape(gateway: &Gateway, name: &str, shape: &SignShape) -> String {
    match shape {
        SignShape::Value => name.to_string(),
        SignShape::Object(index) => match &gateway.objects[*index].signature {
            Some(order) => format!("{name} ({})", sign_items(gateway, order)),
            None => name.to_string(),
        },
        SignShape::Each(inner) => sign_shape(gateway, &format!("each of {name}"), inner),
        SignShape::MapValues => format!("the values of {name}, in message order"),
    }
}
