//! What OpenAPI has no words for, as `x-oneclick-` extensions: signature recipes, result codes
//! and the error shapes. `spec/README.md` describes each.

use serde_json::{Map, Value, json};

use crate::ir::{
    Algorithm, Credential, ErrorBody, ErrorShape, Gateway, Meaning, Piece, Placement, Recipe,
    ResultCode, ResultSpec, SignedField, ValuesFormat,
};

use super::schemas::literal;
use oneclick_schema::recipe::{AlgorithmName, HmacHash, RsaHash};

/// Every recipe of the gateway, by spec name.
pub fn recipes(gateway: &Gateway) -> Map<String, Value> {
    gateway
        .recipes
        .iter()
        .map(|r| (r.name.clone(), recipe(gateway, r)))
        .collect()
}

fn recipe(gateway: &Gateway, recipe: &Recipe) -> Value {
    let mut described = Map::new();
    described.insert("text".into(), pieces(gateway, &recipe.text));
    let (name, key_encoding) = algorithm(recipe.algorithm);
    described.insert("algorithm".into(), json!(name.as_str()));
    if let Some(key_encoding) = key_encoding {
        described.insert("key_encoding".into(), json!(key_encoding));
    }
    described.insert("output".into(), json!(recipe.output.as_str()));
    described.insert("placement".into(), placement(&recipe.placement));
    if let Some(key) = &recipe.sign_key {
        described.insert("sign_key".into(), json!(key));
    }
    if let Some(key) = &recipe.verify_key {
        described.insert("verify_key".into(), json!(key));
    }
    if !recipe.optional_credentials.is_empty() {
        described.insert(
            "optional_credentials".into(),
            json!(recipe.optional_credentials),
        );
    }
    if let Some(seconds) = recipe.max_age {
        described.insert("max_age".into(), json!(seconds));
    }
    Value::Object(described)
}

/// Every credential the merchant configures, by name: what kind of value it is, whether it is
/// secret and whether it may be left out. Values never appear in a document.
pub fn credentials(gateway: &Gateway) -> Map<String, Value> {
    gateway
        .credentials
        .iter()
        .map(|credential| (credential.name.clone(), credential_entry(credential)))
        .collect()
}

fn credential_entry(credential: &Credential) -> Value {
    json!({
        "kind": credential.kind.as_str(),
        "type": if credential.integer { "integer" } else { "string" },
        "sensitive": credential.sensitive,
        "optional": credential.optional,
        "description": credential.doc,
    })
}

/// The algorithm's spec word, and how an HMAC key is written (`key_encoding`).
fn algorithm(algorithm: Algorithm) -> (AlgorithmName, Option<&'static str>) {
    match algorithm {
        Algorithm::RsaPkcs1(RsaHash::Sha1) => (AlgorithmName::RsaPkcs1Sha1, None),
        Algorithm::RsaPkcs1(RsaHash::Sha256) => (AlgorithmName::RsaPkcs1Sha256, None),
        Algorithm::RsaPkcs1(RsaHash::Sha512) => (AlgorithmName::RsaPkcs1Sha512, None),
        Algorithm::Hmac(HmacHash::Sha256, key) => (AlgorithmName::HmacSha256, Some(key.as_str())),
        Algorithm::Hmac(HmacHash::Sha512, key) => (AlgorithmName::HmacSha512, Some(key.as_str())),
        Algorithm::Digest(digest) => match digest {
            crate::ir::DigestAlgorithm::Sha256 => (AlgorithmName::Sha256, None),
            crate::ir::DigestAlgorithm::Sha384 => (AlgorithmName::Sha384, None),
            crate::ir::DigestAlgorithm::Sha512 => (AlgorithmName::Sha512, None),
            crate::ir::DigestAlgorithm::Md5 => (AlgorithmName::Md5, None),
        },
    }
}

fn placement(placement: &Placement) -> Value {
    match placement {
        Placement::Field(path) => json!({ "field": path.join(".") }),
        Placement::Path(name) => json!({ "path": name }),
        Placement::Query(name) => json!({ "query": name }),
        Placement::EachItem { list, field } => {
            json!({ "each": list.join("."), "field": field.join(".") })
        }
        Placement::Header {
            name,
            items,
            separator,
            assign,
        } => {
            let items: Vec<Value> = items
                .iter()
                .map(|(item, input)| match input {
                    Some(input) => json!({ "name": item, "input": input }),
                    None => json!({ "name": item, "signature": true }),
                })
                .collect();
            json!({
                "header": name,
                "items": items,
                "separator": separator,
                "assign": assign,
            })
        }
    }
}

fn pieces(gateway: &Gateway, text: &[Piece]) -> Value {
    text.iter().map(|p| piece(gateway, p)).collect()
}

fn piece(gateway: &Gateway, piece: &Piece) -> Value {
    match piece {
        Piece::Literal(text) => json!({ "literal": text }),
        Piece::Input(name) if gateway.credentials.iter().any(|c| &c.name == name) => {
            json!({ "credential": name })
        }
        Piece::Input(name) => json!({ "input": name }),
        Piece::RawBody => json!("raw_body"),
        Piece::Order(format) => json!({ "order": values_format(format) }),
        Piece::Fields(fields, format) => {
            let mut described = values_format(format);
            if let Value::Object(map) = &mut described {
                map.insert("names".into(), json!(signed_names(fields)));
            }
            json!({ "fields": described })
        }
        Piece::Flat(flat) => json!({
            "flat": {
                "exclude": flat.exclude,
                "nesting": flat.nesting,
                "assign": flat.assign,
                "separator": flat.separator,
                "sort": flat.sort.as_str(),
                "escape": flat.escape.as_str(),
                "booleans": flat.booleans.as_str(),
            }
        }),
        Piece::Pairs {
            fields,
            assign,
            separator,
            booleans,
        } => json!({
            "pairs": {
                "names": fields,
                "assign": assign,
                "separator": separator,
                "booleans": booleans.as_str(),
            }
        }),
        Piece::Json(fields) => json!({ "json": fields }),
        Piece::Digest {
            algorithm,
            output,
            of,
        } => json!({
            "digest": { "algorithm": algorithm.as_str(), "output": output.as_str(), "of": pieces(gateway, of) }
        }),
        Piece::Upper(of) => json!({ "upper": pieces(gateway, of) }),
    }
}

fn values_format(format: &ValuesFormat) -> Value {
    json!({
        "separator": format.separator,
        "absent": format.absent.as_str(),
        "booleans": format.booleans.as_str(),
    })
}

/// A recipe's field list as dotted names, in the order the text writes them (a nested
/// object's fields together, where its first one stands).
fn signed_names(fields: &[SignedField]) -> Vec<String> {
    fields
        .iter()
        .flat_map(|field| match field {
            SignedField::Value(name) => vec![name.clone()],
            SignedField::Object(name, children) => signed_names(children)
                .into_iter()
                .map(|child| format!("{name}.{child}"))
                .collect(),
        })
        .collect()
}

/// Where answers carry their result code, and every code named with what it means; a code not
/// listed is a failure.
pub fn result(result: &ResultSpec) -> Value {
    let mut described = Map::new();
    described.insert("code_field".into(), json!(result.code_field));
    if let Some(field) = &result.message_field {
        described.insert("message_field".into(), json!(field));
    }
    described.insert("codes".into(), result_codes(&result.codes));
    if let Some(secondary) = &result.secondary {
        described.insert(
            "secondary".into(),
            json!({ "field": secondary.field, "codes": result_codes(&secondary.codes) }),
        );
    }
    Value::Object(described)
}

fn result_codes(codes: &[ResultCode]) -> Value {
    codes
        .iter()
        .map(|c| {
            json!({
                "code": literal(&c.code),
                "name": c.name,
                "means": c.meaning.as_str(),
                "description": c.doc,
            })
        })
        .collect()
}

/// What an answer's result code says, in words, for a response's description: the codes of
/// each meaning, and that any other code is a failure.
pub fn result_sentence(result: &ResultSpec) -> String {
    let codes_meaning = |meaning: Meaning| -> Vec<String> {
        result
            .codes
            .iter()
            .filter(|c| c.meaning == meaning)
            .map(|c| literal(&c.code).to_string())
            .collect()
    };
    let mut sentence = format!("`{}` says the outcome:", result.code_field);
    for (meaning, words) in [
        (Meaning::Success, "success with"),
        (Meaning::Pending, "pending (decided later) with"),
    ] {
        let codes = codes_meaning(meaning);
        if !codes.is_empty() {
            sentence.push_str(&format!(" {words} {};", codes.join(", ")));
        }
    }
    sentence.push_str(" any other code is a failure");
    if let Some(secondary) = &result.secondary {
        sentence.push_str(&format!(
            ", and `{}` can only make it worse",
            secondary.field
        ));
    }
    sentence.push_str(" (see `x-oneclick-result`).");
    sentence
}

/// The error bodies as the spec declares them, in the order the client tries them.
pub fn errors(gateway: &Gateway) -> Value {
    gateway
        .errors
        .iter()
        .map(|body| {
            let mut described = Map::new();
            described.insert("shape".into(), json!(body.shape.as_str()));
            if let Some(field) = &body.field {
                described.insert("field".into(), json!(field));
            }
            described.insert("code".into(), json!(body.code));
            described.insert("message".into(), json!(body.message));
            if let Some(detail) = &body.detail {
                described.insert("detail".into(), json!(detail));
            }
            if !body.http_status.is_empty() {
                described.insert("http_status".into(), json!(body.http_status));
            }
            Value::Object(described)
        })
        .collect()
}

/// The component name of the schema of the gateway's `index`th error body: `Error.0`. No
/// Rust type name holds a dot, so it names no spec type.
pub fn error_schema_name(index: usize) -> String {
    format!("Error.{index}")
}

/// The schema of the bodies the client takes for this error, exactly as it tells them apart:
/// a wrapped error is an object under its member, a flat one has its code at the top, a list
/// is a list under its member, or a non-empty list whose every item has a code.
pub fn error_schema(body: &ErrorBody) -> Value {
    let mut members = Map::new();
    members.insert(body.code.clone(), json!({}));
    members.insert(body.message.clone(), json!({}));
    if let Some(detail) = &body.detail {
        members.insert(detail.clone(), json!({}));
    }
    let members = Value::Object(members);
    let error = json!({ "type": "object", "properties": members });
    // The client reads each item of a list under its member, whatever it is.
    let any_item = json!({ "properties": members });
    let error_with_code = json!({
        "type": "object",
        "required": [body.code],
        "properties": members,
    });
    // `check` gives every wrapped body its member.
    let mut schema = match (body.shape, &body.field) {
        (ErrorShape::Wrapped, field) => {
            let field = field.clone().unwrap_or_default();
            json!({
                "type": "object",
                "required": [field],
                "properties": { field: error },
            })
        }
        (ErrorShape::Flat, _) => error_with_code,
        (ErrorShape::List, Some(field)) => json!({
            "type": "object",
            "required": [field],
            "properties": { field.clone(): { "type": "array", "items": any_item } },
        }),
        (ErrorShape::List, None) => json!({
            "type": "array",
            "minItems": 1,
            "items": error_with_code,
        }),
    };
    if let Value::Object(map) = &mut schema {
        map.insert(
            "description".into(),
            json!(format!("An error body of shape `{}`.", body.shape.as_str())),
        );
    }
    schema
}
