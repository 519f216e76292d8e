//! Operations as OpenAPI paths, and the messages the gateway sends as webhooks.

use serde_json::{Map, Value, json};

use crate::ir::{
    AnswerEncoding, Callback, Charset, Direction, Encoding, ErrorBody, Example, Field, Gateway,
    Header, HeaderValue, Location, MessageEncoding, ObjectType, Operation, Placement, ResultRef,
    ResultSpec, TypeRef,
};

use super::extensions;
use super::schemas::{body_fields, field_schema, literal, reference};
use super::security;

/// Every operation under its path, each path holding its methods.
pub fn paths(gateway: &Gateway) -> Map<String, Value> {
    let mut paths = Map::new();
    for operation in &gateway.operations {
        let item = paths
            .entry(operation.path.clone())
            .or_insert_with(|| json!({}));
        if let Value::Object(item) = item {
            item.insert(
                operation.method.as_str().to_ascii_lowercase(),
                operation_object(gateway, operation),
            );
        }
    }
    paths
}

fn operation_object(gateway: &Gateway, operation: &Operation) -> Value {
    let request = &gateway.objects[operation.request];
    let request_examples: Vec<&Example> = examples_of(&operation.examples, Direction::Request);
    let mut object = Map::new();
    object.insert("operationId".into(), json!(operation.id));
    object.insert("summary".into(), json!(summary(&operation.doc)));
    object.insert("description".into(), json!(operation.doc));
    let parameters = parameters(gateway, operation, request, &request_examples);
    if !parameters.is_empty() {
        object.insert("parameters".into(), Value::Array(parameters));
    }
    if operation.method.has_body() && operation.encoding != Encoding::Query {
        object.insert(
            "requestBody".into(),
            request_body(gateway, operation, request, &request_examples),
        );
    }
    object.insert("responses".into(), responses(gateway, operation));
    let requirement = security::requirement(gateway, &operation.headers);
    if !requirement.is_empty() {
        object.insert("security".into(), json!([requirement]));
    }
    object.insert("x-oneclick-repeat".into(), json!(operation.repeat.as_str()));
    if !operation.retryable_result_codes.is_empty() {
        object.insert(
            "x-oneclick-retryable-result-codes".into(),
            operation
                .retryable_result_codes
                .iter()
                .map(literal)
                .collect::<Value>(),
        );
    }
    if !operation.reconcile.is_empty() {
        object.insert("x-oneclick-reconcile".into(), json!(operation.reconcile));
    }
    if let Some(result) = &operation.result {
        object.insert("x-oneclick-result".into(), extensions::result(result));
    }
    if let Some(callback) = operation.result_by {
        object.insert(
            "x-oneclick-result-by".into(),
            json!(gateway.callbacks[callback].id),
        );
    }
    if !operation.answer_matches.is_empty() {
        object.insert(
            "x-oneclick-answer-matches".into(),
            json!(operation.answer_matches),
        );
    }
    let mut signatures = Map::new();
    insert_recipes(&mut signatures, "request", gateway, request);
    if let Some(response) = operation.response {
        insert_recipes(
            &mut signatures,
            "response",
            gateway,
            &gateway.objects[response],
        );
    }
    if !signatures.is_empty() {
        object.insert("x-oneclick-signature".into(), Value::Object(signatures));
    }
    if operation.response.is_none() {
        object.insert("x-oneclick-delivery".into(), json!("redirect"));
    }
    Value::Object(object)
}

/// The names of the recipes that sign or verify `message`, under `key`.
fn insert_recipes(
    into: &mut Map<String, Value>,
    key: &str,
    gateway: &Gateway,
    message: &ObjectType,
) {
    if !message.recipes.is_empty() {
        let names: Vec<&str> = message
            .recipes
            .iter()
            .map(|&index| gateway.recipes[index].name.as_str())
            .collect();
        into.insert(key.into(), json!(names));
    }
}

fn examples_of(examples: &[Example], direction: Direction) -> Vec<&Example> {
    examples
        .iter()
        .filter(|e| e.direction == direction)
        .collect()
}

/// The request's path, query and header fields, then the headers the client sets itself
/// (those made of credentials are security schemes instead).
fn parameters(
    gateway: &Gateway,
    operation: &Operation,
    request: &ObjectType,
    examples: &[&Example],
) -> Vec<Value> {
    let outside = request
        .fields
        .iter()
        .filter(|f| f.location.outside_body())
        .map(|field| {
            field_parameter(
                gateway,
                field,
                (field.location, Direction::Request),
                examples,
            )
        });
    // A query-encoded request has no body: its body fields follow in the query string.
    let query_body = body_fields(request)
        .filter(|_| operation.encoding == Encoding::Query)
        .map(|field| {
            field_parameter(
                gateway,
                field,
                (Location::Query, Direction::Request),
                examples,
            )
        });
    // A signature placed in the path or the query string has no field of its own.
    let signatures = request.recipes.iter().filter_map(|&index| {
        let (name, location) = match &gateway.recipes[index].placement {
            Placement::Path(name) => (name, "path"),
            Placement::Query(name) => (name, "query"),
            _ => return None,
        };
        Some(json!({
            "name": name,
            "in": location,
            "description": format!("The signature of recipe `{}`.", gateway.recipes[index].name),
            "required": true,
            "schema": { "type": "string" },
        }))
    });
    let fields = outside.chain(query_body).chain(signatures);
    let headers = gateway
        .headers
        .iter()
        .chain(&operation.headers)
        .filter(|h| h.value.credentials().is_empty())
        .map(header_parameter);
    fields.chain(headers).collect()
}

fn field_parameter(
    gateway: &Gateway,
    field: &Field,
    (location, direction): (Location, Direction),
    examples: &[&Example],
) -> Value {
    let mut parameter = Map::new();
    parameter.insert("name".into(), json!(field.wire));
    parameter.insert("in".into(), json!(location.as_str()));
    if !field.doc.is_empty() {
        parameter.insert("description".into(), json!(field.doc));
    }
    // OpenAPI requires every path parameter; a path cannot be built without its fields.
    parameter.insert(
        "required".into(),
        json!(field.required || location == Location::Path),
    );
    let schema = field_schema(gateway, field, direction);
    let values: Map<String, Value> = examples
        .iter()
        .filter_map(|example| {
            let value = example.json.get(&field.wire)?;
            Some((example.name.clone(), json!({ "value": value })))
        })
        .collect();
    let mut described = Map::new();
    described.insert("schema".into(), schema);
    if !values.is_empty() {
        described.insert("examples".into(), Value::Object(values));
    }
    if is_nested(field) {
        // A nested value travels in the URL as JSON text.
        parameter.insert(
            "content".into(),
            json!({ "application/json": Value::Object(described) }),
        );
    } else {
        parameter.extend(described);
    }
    Value::Object(parameter)
}

/// Whether a field holds an object, a list, a map or any JSON, which a form or a query string
/// carries as JSON text.
fn is_nested(field: &Field) -> bool {
    matches!(
        field.ty,
        TypeRef::Object(_) | TypeRef::List(_) | TypeRef::Map(_) | TypeRef::Json
    )
}

fn header_parameter(header: &Header) -> Value {
    let schema = match &header.value {
        HeaderValue::Uuid | HeaderValue::IdempotencyKey => {
            json!({ "type": "string", "format": "uuid" })
        }
        HeaderValue::Text(text) => json!({ "type": "string", "const": text }),
        HeaderValue::Credential(_) | HeaderValue::Basic(..) => json!({ "type": "string" }),
    };
    json!({
        "name": header.name,
        "in": "header",
        "description": header.doc,
        "required": true,
        "schema": schema,
        "x-oneclick-value": header.value.to_string(),
    })
}

fn request_body(
    gateway: &Gateway,
    operation: &Operation,
    request: &ObjectType,
    examples: &[&Example],
) -> Value {
    let mut media = Map::new();
    media.insert("schema".into(), reference(&request.name));
    let body_examples = body_examples(gateway, request, examples);
    if !body_examples.is_empty() {
        media.insert("examples".into(), Value::Object(body_examples));
    }
    let media_type = match operation.encoding {
        Encoding::Json | Encoding::Query => "application/json",
        Encoding::Form => {
            let nested = form_json_fields(request);
            if !nested.is_empty() {
                media.insert("encoding".into(), Value::Object(nested));
            }
            FORM
        }
    };
    json!({
        "required": true,
        "content": { media_type: media },
    })
}

const FORM: &str = "application/x-www-form-urlencoded";

/// A media type with its character set when that is not UTF-8, JSON's own.
fn with_charset(media_type: &str, charset: Charset) -> String {
    match charset {
        Charset::Utf8 => media_type.to_owned(),
        other => format!("{media_type}; charset={}", other.as_str()),
    }
}

/// A form carries nested values as JSON text; OpenAPI says so per property.
fn form_json_fields(request: &ObjectType) -> Map<String, Value> {
    body_fields(request)
        .filter(|field| is_nested(field))
        .map(|field| {
            (
                field.wire.clone(),
                json!({ "contentType": "application/json" }),
            )
        })
        .collect()
}

/// The examples of a message without the fields that travel outside its body.
fn body_examples(
    gateway: &Gateway,
    message: &ObjectType,
    examples: &[&Example],
) -> Map<String, Value> {
    examples
        .iter()
        .map(|example| {
            let mut value = example.json.clone();
            if let Value::Object(map) = &mut value {
                for field in message.fields.iter().filter(|f| f.location.outside_body()) {
                    map.remove(&field.wire);
                }
            }
            let unsigned = message.fields.iter().any(|field| {
                field.required
                    && (field.auto == Some(crate::ir::Auto::Signature)
                        || gateway.is_signature_field(&field.wire))
                    && value.get(&field.wire).is_none()
            });
            (
                example.name.clone(),
                example_object(example, value, unsigned),
            )
        })
        .collect()
}

/// An example object; `unsigned` for a signing vector that shows the message before the
/// client adds its signature.
fn example_object(example: &Example, value: Value, unsigned: bool) -> Value {
    let mut object = Map::new();
    if !example.doc.is_empty() {
        object.insert("summary".into(), json!(example.doc));
    }
    object.insert("value".into(), value);
    if let Some(text) = &example.text_to_sign {
        object.insert("x-oneclick-text-to-sign".into(), json!(text));
    }
    if unsigned {
        object.insert("x-oneclick-unsigned".into(), json!(true));
    }
    Value::Object(object)
}

/// The answer on success, the statuses the client repeats after, each status an error body is
/// declared with, and any other status with the error bodies that come with any.
fn responses(gateway: &Gateway, operation: &Operation) -> Value {
    let mut responses = Map::new();
    let Some(index) = operation.response else {
        responses.insert(
            "default".into(),
            json!({ "description": "The gateway answers the customer's browser, not the client." }),
        );
        return Value::Object(responses);
    };
    responses.insert("200".into(), success_response(gateway, operation, index));
    let mut statuses: Vec<u16> = gateway
        .retry_http_status
        .iter()
        .chain(gateway.errors.iter().flat_map(|e| &e.http_status))
        .copied()
        .filter(|&status| status != 200)
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    for status in statuses {
        let comes_with =
            |body: &ErrorBody| body.http_status.is_empty() || body.http_status.contains(&status);
        let has_error_body = gateway.errors.iter().any(comes_with);
        let description = match (gateway.retry_http_status.contains(&status), has_error_body) {
            (true, false) => retry_description(gateway, operation, status).to_owned(),
            (true, true) => format!(
                "{} A declared error body is a definite refusal, never repeated.",
                retry_description(gateway, operation, status)
            ),
            (false, _) => "The gateway refused the call.".to_owned(),
        };
        let mut response = Map::new();
        response.insert("description".into(), json!(description));
        insert_error_content(&mut response, gateway, comes_with);
        responses.insert(status.to_string(), Value::Object(response));
    }
    let mut other = Map::new();
    other.insert(
        "description".into(),
        json!("Any other status: the call failed."),
    );
    insert_error_content(&mut other, gateway, |body| body.http_status.is_empty());
    responses.insert("default".into(), Value::Object(other));
    Value::Object(responses)
}

/// The `200` answer; the error bodies that may come with it instead are named by their index in
/// `x-oneclick-errors`, since the client takes such a body for the error whatever the status.
fn success_response(gateway: &Gateway, operation: &Operation, index: usize) -> Value {
    let response = &gateway.objects[index];
    let instead: Vec<usize> = gateway
        .errors
        .iter()
        .enumerate()
        .filter(|(_, body)| body.http_status.is_empty() || body.http_status.contains(&200))
        .map(|(index, _)| index)
        .collect();
    let mut description = response_description(gateway, operation, response);
    if !instead.is_empty() {
        description.push_str(
            " A JSON body of an error shape in `x-oneclick-errors` is that error, not this answer.",
        );
    }
    let mut answer = Map::new();
    answer.insert("description".into(), json!(description));
    if let Some((media_type, media)) = answer_media(gateway, operation, response) {
        answer.insert("content".into(), json!({ media_type: media }));
    }
    if !instead.is_empty() {
        answer.insert("x-oneclick-errors".into(), json!(instead));
    }
    Value::Object(answer)
}

/// What the client does after a retry status that carries no declared error body (an error
/// body is a definite refusal, never repeated).
fn retry_description(gateway: &Gateway, operation: &Operation, status: u16) -> &'static str {
    if gateway.unprocessed_http_status.contains(&status) {
        "The gateway did not act on the request; the client repeats it."
    } else if operation.repeat.is_safe() {
        "The client repeats the call."
    } else {
        "The outcome is unknown; the client does not repeat an unsafe call after it."
    }
}

/// The error bodies `applies` picks, by reference to their schemas; one of them when several
/// do.
fn insert_error_content(
    response: &mut Map<String, Value>,
    gateway: &Gateway,
    applies: impl Fn(&ErrorBody) -> bool,
) {
    let mut schemas: Vec<Value> = gateway
        .errors
        .iter()
        .enumerate()
        .filter(|(_, body)| applies(body))
        .map(|(index, _)| reference(&extensions::error_schema_name(index)))
        .collect();
    let schema = match schemas.len() {
        0 => return,
        1 => schemas.remove(0),
        _ => json!({ "anyOf": schemas }),
    };
    response.insert(
        "content".into(),
        json!({ "application/json": { "schema": schema } }),
    );
}

/// The answer's media type and its schema and examples; `None` for an empty answer.
fn answer_media(
    gateway: &Gateway,
    operation: &Operation,
    response: &ObjectType,
) -> Option<(String, Value)> {
    let answer = &operation.answer;
    let (media_type, schema) = match answer.encoding {
        AnswerEncoding::Json => ("application/json", reference(&response.name)),
        AnswerEncoding::Form => (FORM, reference(&response.name)),
        AnswerEncoding::Literal => (
            "text/plain",
            json!({ "type": "string", "const": answer.literal.clone().unwrap_or_default() }),
        ),
        AnswerEncoding::Empty => return None,
    };
    let mut media = Map::new();
    media.insert("schema".into(), schema);
    if answer.encoding.carries_fields() {
        let examples = body_examples(
            gateway,
            response,
            &examples_of(&operation.examples, Direction::Response),
        );
        if !examples.is_empty() {
            media.insert("examples".into(), Value::Object(examples));
        }
    }
    Some((
        with_charset(media_type, answer.charset),
        Value::Object(media),
    ))
}

/// The answer's first doc paragraph and, when it carries fields, what its result code says.
fn response_description(gateway: &Gateway, operation: &Operation, response: &ObjectType) -> String {
    let first = summary(&response.doc);
    let result = operation.result.as_ref().or(gateway.result.as_ref());
    match result.filter(|_| operation.answer.encoding.carries_fields()) {
        Some(result) => format!("{first} {}", extensions::result_sentence(result)),
        None => first,
    }
}

/// The result declaration a received message follows: its own or the gateway's.
fn callback_result<'g>(gateway: &'g Gateway, callback: &'g Callback) -> Option<&'g ResultSpec> {
    match callback.result.as_ref()? {
        ResultRef::Own(result) => Some(result),
        ResultRef::Gateway => gateway.result.as_ref(),
    }
}

/// Every message the gateway sends to the merchant, as a webhook.
pub fn webhooks(gateway: &Gateway) -> Map<String, Value> {
    gateway
        .callbacks
        .iter()
        .map(|callback| (callback.id.clone(), webhook(gateway, callback)))
        .collect()
}

/// A received message: POSTed as a JSON or form body, or, for the customer's return, a GET
/// whose query string carries the fields.
fn webhook(gateway: &Gateway, callback: &Callback) -> Value {
    let message = &gateway.objects[callback.message];
    let examples: Vec<&Example> = callback.examples.iter().collect();
    let mut operation = Map::new();
    let result = callback_result(gateway, callback);
    let description = match result {
        Some(result) => format!(
            "{}\n\n{}",
            callback.doc.trim_end(),
            extensions::result_sentence(result)
        ),
        None => callback.doc.clone(),
    };
    operation.insert("operationId".into(), json!(callback.id));
    operation.insert("summary".into(), json!(summary(&callback.doc)));
    operation.insert("description".into(), json!(description));
    let media_type = match callback.delivery {
        MessageEncoding::Json => Some("application/json"),
        MessageEncoding::Form => Some(FORM),
        MessageEncoding::Query => None,
    };
    match media_type {
        Some(media_type) => {
            let mut media = Map::new();
            media.insert("schema".into(), reference(&message.name));
            let examples = body_examples(gateway, message, &examples);
            if !examples.is_empty() {
                media.insert("examples".into(), Value::Object(examples));
            }
            if callback.delivery == MessageEncoding::Form {
                let nested = form_json_fields(message);
                if !nested.is_empty() {
                    media.insert("encoding".into(), Value::Object(nested));
                }
            }
            let media_type = with_charset(media_type, callback.charset);
            operation.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { media_type: media } }),
            );
        }
        None => {
            let parameters: Vec<Value> = message
                .fields
                .iter()
                .map(|field| {
                    field_parameter(
                        gateway,
                        field,
                        (Location::Query, Direction::Response),
                        &examples,
                    )
                })
                .collect();
            operation.insert("parameters".into(), Value::Array(parameters));
        }
    }
    operation.insert(
        "responses".into(),
        json!({ "200": { "description": "The merchant took the message." } }),
    );
    let mut checks = Map::new();
    insert_recipes(&mut checks, "message", gateway, message);
    if let Some(token) = &callback.token_field {
        checks.insert(
            "token_field".into(),
            json!({ "field": token.wire, "parameter": token.parameter }),
        );
    }
    if let Some(unsigned) = &callback.only_signed {
        checks.insert("only_signed".into(), json!({ "unsigned": unsigned }));
    }
    if checks.is_empty() {
        operation.insert("x-oneclick-unverified".into(), json!(true));
    } else {
        operation.insert("x-oneclick-signature".into(), Value::Object(checks));
    }
    if let Some(result) = result {
        operation.insert("x-oneclick-result".into(), extensions::result(result));
    }
    if let Some(reply) = &callback.reply {
        operation.insert(
            "x-oneclick-reply".into(),
            json!({ "format": reply.format.as_str(), "body": reply.template(), "description": reply.doc }),
        );
    }
    let method = match callback.delivery {
        MessageEncoding::Query => "get",
        MessageEncoding::Json | MessageEncoding::Form => "post",
    };
    json!({ method: operation })
}

/// The first paragraph of a doc text, on one line.
fn summary(doc: &str) -> String {
    doc.split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
