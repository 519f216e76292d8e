//! What OpenAPI has no words for, as `x-oneclick-` extensions: signature recipes, result codes
//! and the error shapes. `spec/README.md` describes each.

use serde_json::{Map, Value, json};

use crate::ir::{
    Algorithm, Gateway, Piece, Placement, Recipe, ResultSpec, SignedField, ValuesFormat,
};
use oneclick_schema::recipe::{AlgorithmName, HmacHash, RsaHash};

/// Every recipe of the gateway, by spec name.
pub fn recipes(gateway: &Gateway) -> Map<String, Value> {
    gateway
        .recipes
        .iter()
        .map(|r| (r.name.clone(), recipe(r)))
        .collect()
}

fn recipe(recipe: &Recipe) -> Value {
    let mut described = Map::new();
    described.insert("text".into(), pieces(&recipe.text));
    described.insert("algorithm".into(), algorithm(recipe.algorithm));
    described.insert("output".into(), json!(recipe.output.as_str()));
    described.insert("placement".into(), placement(&recipe.placement));
    if let Some(key) = &recipe.sign_key {
        described.insert("sign_key".into(), json!(key));
    }
    if let Some(key) = &recipe.verify_key {
        described.insert("verify_key".into(), json!(key));
    }
    Value::Object(described)
}

fn algorithm(algorithm: Algorithm) -> Value {
    let (name, key) = match algorithm {
        Algorithm::RsaPkcs1(RsaHash::Sha1) => (AlgorithmName::RsaPkcs1Sha1, None),
        Algorithm::RsaPkcs1(RsaHash::Sha256) => (AlgorithmName::RsaPkcs1Sha256, None),
        Algorithm::RsaPkcs1(RsaHash::Sha512) => (AlgorithmName::RsaPkcs1Sha512, None),
        Algorithm::Hmac(HmacHash::Sha256, key) => (AlgorithmName::HmacSha256, Some(key)),
        Algorithm::Hmac(HmacHash::Sha512, key) => (AlgorithmName::HmacSha512, Some(key)),
        Algorithm::Digest(digest) => match digest {
            crate::ir::DigestAlgorithm::Sha256 => (AlgorithmName::Sha256, None),
            crate::ir::DigestAlgorithm::Sha384 => (AlgorithmName::Sha384, None),
            crate::ir::DigestAlgorithm::Sha512 => (AlgorithmName::Sha512, None),
            crate::ir::DigestAlgorithm::Md5 => (AlgorithmName::Md5, None),
        },
    };
    match key {
        Some(key) => json!({ "name": name.as_str(), "key": key.as_str() }),
        None => json!(name.as_str()),
    }
}

fn placement(placement: &Placement) -> Value {
    match placement {
        Placement::Field(path) => json!({ "field": path.join(".") }),
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

fn pieces(text: &[Piece]) -> Value {
    text.iter().map(piece).collect()
}

fn piece(piece: &Piece) -> Value {
    match piece {
        Piece::Literal(text) => json!({ "literal": text }),
        Piece::Input(name) => json!({ "input": name }),
        Piece::RawBody => json!("raw_body"),
        Piece::Order(format) => json!({ "order": values_format(format) }),
        Piece::Fields(fields, format) => {
            let mut described = values_format(format);
            if let Value::Object(map) = &mut described {
                map.insert("fields".into(), fields.iter().map(signed_field).collect());
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
                "fields": fields,
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
            "digest": { "algorithm": algorithm.as_str(), "output": output.as_str(), "of": pieces(of) }
        }),
        Piece::Upper(of) => json!({ "upper": pieces(of) }),
    }
}

fn values_format(format: &ValuesFormat) -> Value {
    json!({
        "separator": format.separator,
        "absent": format.absent.as_str(),
        "booleans": format.booleans.as_str(),
    })
}

fn signed_field(field: &SignedField) -> Value {
    match field {
        SignedField::Value(name) => json!(name),
        SignedField::Object(name, fields) => {
            json!({ name.clone(): fields.iter().map(signed_field).collect::<Value>() })
        }
    }
}

/// Where answers carry their result code, the codes that mean success and every code named.
pub fn result(result: &ResultSpec) -> Value {
    let codes: Vec<Value> = result
        .codes
        .iter()
        .map(|c| json!({ "code": c.code, "name": c.name, "description": c.doc }))
        .collect();
    json!({
        "code_field": result.code_field,
        "message_field": result.message_field,
        "success": result.success,
        "codes": codes,
    })
}

/// The error object or list of errors the gateway may answer with, as a schema; `None` when
/// the spec names neither.
pub fn error_schema(gateway: &Gateway) -> Option<Value> {
    let fault = gateway.fault.as_ref().map(|fault| {
        json!({
            "type": "object",
            "required": [fault.field],
            "properties": {
                fault.field.clone(): {
                    "type": "object",
                    "properties": {
                        fault.code.clone(): {},
                        fault.message.clone(): { "type": "string" },
                        fault.detail.clone(): {},
                    },
                },
            },
        })
    });
    let errors = gateway.errors.as_ref().map(|errors| {
        json!({
            "type": "object",
            "required": [errors.field],
            "properties": {
                errors.field.clone(): {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            errors.code.clone(): {},
                            errors.message.clone(): { "type": "string" },
                        },
                    },
                },
            },
        })
    });
    match (fault, errors) {
        (Some(fault), Some(errors)) => Some(json!({ "anyOf": [fault, errors] })),
        (one, other) => one.or(other),
    }
}
