//! One test per kind of spec error: the generator reports it as `file:line:col: message`,
//! alongside every other problem, and never panics.

use oneclick_codegen::load_str;

/// A valid spec with room for extra top-level keys, types and request fields.
fn spec(top: &str, types: &str, request_fields: &str) -> String {
    format!(
        "spec: 2
gateway: demo
title: Demo
doc: Demo gateway.
sources:
  doc1: {{file: demo.txt, title: Demo document}}
environments:
  sandbox: {{url: \"https://sandbox.example\", doc: Sandbox.}}
{top}types:
  Placeholder:
    doc: Keeps `types` non-empty.
    type: string
    max_length: 1
{types}operations:
  ping:
    doc: Ping.
    source: {{document: doc1, section: ping}}
    method: POST
    path: /ping
    request:
      doc: Request.
      fields:
        id: {{type: string, required: true, doc: Id.}}
        placeholder: {{type: Placeholder, doc: Uses the placeholder.}}
{request_fields}    response:
      doc: Response.
      fields:
        ok: {{type: boolean, required: true, doc: Ok.}}
    repeat: read
"
    )
}

fn diagnose(source: &str) -> Vec<String> {
    match load_str(source, "demo.yaml") {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_base_spec_is_valid() {
    assert_eq!(diagnose(&spec("", "", "")), Vec::<String>::new());
}

#[test]
fn invalid_yaml() {
    assert_eq!(
        diagnose("spec: 2\ngateway: [unclosed\n"),
        ["demo.yaml:3:1: invalid YAML: while parsing a flow sequence, expected ',' or ']'"]
    );
}

#[test]
fn unknown_key() {
    assert_eq!(
        diagnose(&spec("colour: red\n", "", "")),
        ["demo.yaml:9:1: unknown key `colour` in the spec"]
    );
}

#[test]
fn missing_required_key() {
    let source = spec("", "", "").replace("title: Demo\n", "");
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:1:1: the spec is missing the required key `title`"]
    );
}

#[test]
fn duplicate_key() {
    let fields = "        id: {type: integer, doc: Again.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:25:9: duplicate key `id` in `fields` (first at line 23, column 9)"]
    );
}

#[test]
fn value_of_the_wrong_kind() {
    let source = spec("", "", "").replace("title: Demo\n", "title: [Demo]\n");
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:3:8: expected a string, found a sequence"]
    );
}

#[test]
fn unknown_type() {
    let fields = "        customer: {type: Custmer, doc: Typo.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:25:26: unknown type `Custmer`"]
    );
}

#[test]
fn signature_order_naming_a_missing_field() {
    // ČSOB's recipe; the comment keeps the lines where they were under named schemes.
    let top = "credentials: {merchant_id: {doc: Id.}, private_key: {kind: rsa_private_key, doc: Signs.}, gateway_public_key: {kind: rsa_public_key, doc: Verifies.}}\nsignature: {sign: [pipe], verify: [pipe], recipes: {pipe: {text: [{order: {separator: \"|\"}}], algorithm: rsa_pkcs1_sha256, sign_key: private_key, verify_key: gateway_public_key, output: base64, placement: {field: signature}}}}\n# the pipe recipe\n";
    let source = spec(top, "", "        signature: {type: string, required: true, auto: signature, doc: Sig.}\n      signature: [id, ghost]\n")
        .replace(
            "        ok: {type: boolean, required: true, doc: Ok.}\n",
            "        ok: {type: boolean, required: true, doc: Ok.}\n        signature: {type: string, doc: Sig.}\n      signature: [ok]\n",
        );
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:29:23: the signature order names `ghost`, which is not a field of `ping request`"
        ]
    );
}

#[test]
fn signed_gateway_without_an_order() {
    let top = "credentials: {merchant_id: {doc: Id.}, private_key: {kind: rsa_private_key, doc: Signs.}, gateway_public_key: {kind: rsa_public_key, doc: Verifies.}}\nsignature: {sign: [pipe], verify: [pipe], recipes: {pipe: {text: [{order: {separator: \"|\"}}], algorithm: rsa_pkcs1_sha256, sign_key: private_key, verify_key: gateway_public_key, output: base64, placement: {field: signature}}}}\n";
    let source = spec(top, "", "        signature: {type: string, required: true, auto: signature, doc: Sig.}\n")
        .replace(
            "        ok: {type: boolean, required: true, doc: Ok.}\n",
            "        ok: {type: boolean, required: true, doc: Ok.}\n        signature: {type: string, doc: Sig.}\n",
        );
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:23:7: the gateway signs every request, so the request of `ping` needs a `signature` (an order, or `all`)",
            "demo.yaml:29:7: the gateway signs every response, so the response of `ping` needs a `signature` (an order, or `all`)",
        ]
    );
}

#[test]
fn rule_naming_a_missing_field() {
    let fields = "        amount: {type: integer, doc: Amount.}\n      rules:\n        - together: [amount, currency]\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:27:30: the rule names `currency`, which is not a field of this object"]
    );
}

#[test]
fn duplicate_rust_type_name() {
    let types = "  Email:\n    doc: An address.\n    type: string\n    format: email\n";
    let fields = "        email: {type: string, max_length: 100, doc: Inline constraints make a newtype `Email` too.}\n";
    assert_eq!(
        diagnose(&spec("", types, fields)),
        [
            "demo.yaml:29:9: duplicate Rust type name `Email` (first at line 14, column 3); set `rust_type` or declare one named type and use it in both places"
        ]
    );
}

#[test]
fn constraint_the_generator_cannot_enforce() {
    let fields = "        when: {type: string, format: dttmz, doc: Unknown format.}\n        code: {type: string, pattern: '([a-', samples: {valid: [a], invalid: [b]}, doc: Bad regex.}\n";
    let found = diagnose(&spec("", "", fields));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        found[0],
        "demo.yaml:25:38: the generator cannot enforce format `dttmz`; known formats: dttm, base64, ip, email, currency, currency_numeric, uuid, date, iso_date, url, app_url, luhn, month_year, digits"
    );
    assert!(
        found[1].starts_with("demo.yaml:26:39: the generator cannot enforce this pattern: "),
        "{}",
        found[1]
    );
}

#[test]
fn constraint_on_the_wrong_type() {
    let fields = "        count: {type: integer, max_length: 3, doc: Lengths are for strings.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:25:44: `max_length` applies to strings"]
    );
}

#[test]
fn contradictory_bounds() {
    let fields = "        ttl: {type: integer, min: 1800, max: 300, doc: Backwards.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:25:46: `max` is below `min`"]
    );
}

#[test]
fn pattern_without_samples() {
    let fields = "        orderNo: {type: string, pattern: '^[0-9]{1,10}$', doc: Untested.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        [
            "demo.yaml:25:42: `orderNo` has a pattern: give `samples` with at least one `valid` and one `invalid` value, so the pattern is tested"
        ]
    );
}

#[test]
fn delete_request_with_a_body_field() {
    let source = spec("", "", "").replace("method: POST", "method: DELETE");
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:23:9: a DELETE request has no body: `id` must be a path field (`in: path`)",
            "demo.yaml:24:9: a DELETE request has no body: `placeholder` must be a path field (`in: path`)",
        ]
    );
}

#[test]
fn query_field_inside_a_nested_object() {
    let types = "  Nested:\n    doc: Nested.\n    fields:\n      page: {type: integer, in: query, doc: Page.}\n";
    let fields = "        nested: {type: Nested, doc: Nested.}\n";
    assert_eq!(
        diagnose(&spec("", types, fields)),
        [
            "demo.yaml:17:33: only a request's own fields can travel `in: query`; a nested object or an answer travels in the body"
        ]
    );
}

#[test]
fn header_field_in_an_answer() {
    let source = spec("", "", "").replace(
        "ok: {type: boolean, required: true, doc: Ok.}",
        "ok: {type: boolean, required: true, in: header, doc: Ok.}",
    );
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:28:49: only a request's own fields can travel `in: header`; a nested object or an answer travels in the body"
        ]
    );
}

#[test]
fn header_field_on_a_redirect() {
    let fields = "        Accept-Language: {type: string, in: header, rust_name: language, doc: Language.}\n";
    let source = spec("", "", fields)
        .replace("repeat: read\n", "delivery: redirect\n")
        .replace(
            "    response:\n      doc: Response.\n      fields:\n        ok: {type: boolean, required: true, doc: Ok.}\n",
            "",
        );
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:25:45: a redirect is sent by the customer's browser, which sets no headers of ours: use `in: query` or the body"
        ]
    );
}

#[test]
fn header_field_whose_name_is_no_header_name() {
    let fields =
        "        my header: {type: string, in: header, rust_name: my_header, doc: Mine.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:25:9: `my header` is not an HTTP header name"]
    );
}

#[test]
fn header_field_named_like_a_declared_header() {
    let top = "headers:\n  X-Request-Id: {value: uuid, doc: Trace.}\n";
    let fields = "        x-request-id: {type: string, in: header, doc: Mine.}\n";
    assert_eq!(
        diagnose(&spec(top, "", fields)),
        [
            "demo.yaml:27:9: `x-request-id` is a header the client sets itself: a field of that name would send it twice"
        ]
    );
}

#[test]
fn query_field_that_is_no_scalar() {
    let fields = "        ids: {type: list<string>, in: query, doc: Ids.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        [
            "demo.yaml:25:21: `ids` travels `in: query` as text: give it a string, integer, boolean, scalar or enum type"
        ]
    );
}

#[test]
fn path_parameter_without_a_field() {
    let source = spec("", "", "").replace("path: /ping", "path: /ping/{payId}");
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:19:11: path parameter `{payId}` needs a request field `payId` with `in: path`"]
    );
}

#[test]
fn get_request_with_a_body_field() {
    let source = spec("", "", "").replace("method: POST", "method: GET");
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:23:9: a GET request has no body: `id` must be a path field (`in: path`)",
            "demo.yaml:24:9: a GET request has no body: `placeholder` must be a path field (`in: path`)",
        ]
    );
}

#[test]
fn automatic_value_from_an_undeclared_credential() {
    let fields = "        merchantId: {type: string, required: true, auto: credential.merchant_id, doc: Filled in.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:25:58: `merchant_id` is not listed under `credentials`"]
    );
}

#[test]
fn type_used_on_both_sides_of_the_wire() {
    let types = "  Money:\n    doc: An amount.\n    fields:\n      amount: {type: integer, doc: Minor units.}\n";
    let source = spec("", types, "        money: {type: Money, doc: Sent.}\n").replace(
        "        ok: {type: boolean, required: true, doc: Ok.}\n",
        "        ok: {type: boolean, required: true, doc: Ok.}\n        money: {type: Money, doc: Received.}\n",
    );
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:34:23: type `Money` is used in both requests and responses; requests are validated strictly and responses decoded leniently, so declare one type for each side"
        ]
    );
}

#[test]
fn unused_type() {
    let types =
        "  Orphan:\n    doc: Nobody uses it.\n    fields:\n      a: {type: string, doc: A.}\n";
    assert_eq!(
        diagnose(&spec("", types, "")),
        ["demo.yaml:14:3: type `Orphan` is never used by an operation"]
    );
}

#[test]
fn enum_value_without_a_usable_variant() {
    let fields = "        window: {type: string, enum: [\"01\", \"05\"], doc: Needs names.}\n";
    let found = diagnose(&spec("", "", fields));
    assert_eq!(
        found,
        [
            "demo.yaml:25:39: enum value Str(\"01\") gives no usable Rust variant (`01`); add `name`",
            "demo.yaml:25:45: enum value Str(\"05\") gives no usable Rust variant (`05`); add `name`",
        ]
    );
}

#[test]
fn example_that_is_not_json() {
    let source = spec("", "", "").replace(
        "    response:\n",
        "    examples:\n      - name: broken\n        doc: Missing brace.\n        request: |\n          {\"id\": \"1\"\n    response:\n",
    );
    let found = diagnose(&source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("demo.yaml:")
            && found[0].contains("example `broken` is not valid JSON"),
        "{}",
        found[0]
    );
}

#[test]
fn unsupported_version() {
    let source = spec("", "", "").replace("spec: 2", "spec: 1");
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:1:7: unsupported spec version 1; this generator reads version 2 (see spec/README.md)"
        ]
    );
}

#[test]
fn aliases_are_rejected() {
    let source = spec("", "", "").replace("title: Demo\n", "title: &t Demo\nalias: *t\n");
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:3:8: invalid YAML: anchors are not part of the spec language; write the value out"
        ]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let fields = "        ttl: {type: integer, min: 1800, max: 300, doc: Backwards.}\n        customer: {type: Custmer, doc: Typo.}\n        colour: {type: string, doc: Fine., shade: dark}\n";
    let found = diagnose(&spec("", "", fields));
    assert_eq!(
        found,
        [
            "demo.yaml:25:46: `max` is below `min`",
            "demo.yaml:26:26: unknown type `Custmer`",
            "demo.yaml:27:44: unknown key `shade` in a field",
        ]
    );
}

#[test]
fn garbage_never_panics() {
    for source in [
        "",
        "[]",
        "- a\n- b",
        "spec: {}",
        ":",
        "spec: 2\noperations: 7",
        "\u{feff}x: [",
        "a: !tag b",
    ] {
        assert!(
            load_str(source, "demo.yaml").is_err(),
            "{source:?} was accepted"
        );
    }
}

#[test]
fn variant_case_naming_a_missing_field() {
    let fields = "        card: {type: string, doc: Card.}\n        token: {type: string, doc: Token.}\n      variants:\n        - name: Instrument\n          doc: One of.\n          cases:\n            card: {doc: Card., required: [card]}\n            token: {doc: Token., required: [tokn]}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:32:45: the case names `tokn`, which is not a field of this object"]
    );
}

#[test]
fn flat_scheme_takes_no_field_order() {
    let top = "credentials: {secret_key: {kind: secret, doc: Shared.}}\nsignature: {sign: [flat], recipes: {flat: {text: [{flat: {exclude: [signature], nesting: \":\", assign: \":\", separator: \";\", sort: path_bytes}}], algorithm: hmac_sha512, sign_key: secret_key, output: base64, placement: {field: signature}}}}\n";
    let fields = "        signature: {type: string, required: true, auto: signature, doc: Sig.}\n      signature: [id]\n";
    assert_eq!(
        diagnose(&spec(top, "", fields)),
        [
            "demo.yaml:28:18: no recipe of the request of `ping` writes a signature order: write `signature: all`"
        ]
    );
}

#[test]
fn sensitive_plain_field_in_a_case() {
    let fields = "        pan: {type: string, sensitive: true, doc: Card number.}\n        token: {type: string, doc: Token.}\n      variants:\n        - name: Instrument\n          doc: One of.\n          cases:\n            card: {doc: Card., required: [pan]}\n            token: {doc: Token., required: [token]}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        [
            "demo.yaml:31:43: `pan` is sensitive and belongs to a case: give it a sensitive scalar type"
        ]
    );
}

#[test]
fn unknown_method() {
    let source = spec("", "", "").replace("method: POST", "method: TRACE");
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:18:13: `method` is `GET`, `POST`, `PUT`, `PATCH` or `DELETE`, not `TRACE`"]
    );
}

#[test]
fn unknown_signature_algorithm() {
    let top = "signature: {recipes: {r: {text: [raw_body], algorithm: pipe_rsa, output: base64, placement: {field: s}}}}\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        [
            "demo.yaml:9:56: `algorithm` is `rsa_pkcs1_sha1`, `rsa_pkcs1_sha256`, `rsa_pkcs1_sha512`, `hmac_sha256`, `hmac_sha512`, `sha256`, `sha384`, `sha512` or `md5`, not `pipe_rsa`"
        ]
    );
}

#[test]
fn named_signature_scheme() {
    let top = "signature: {scheme: none, recipes: {}}\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        [
            "demo.yaml:9:21: named schemes are gone: declare the signature as a recipe under `recipes` (spec/README.md, Signature recipes)"
        ]
    );
}

#[test]
fn unknown_time_zone() {
    assert_eq!(
        diagnose(&spec("time_zone: Europe/Paris\n", "", "")),
        ["demo.yaml:9:12: `time_zone` is `UTC` or `Europe/Prague`, not `Europe/Paris`"]
    );
}

#[test]
fn unknown_encoding() {
    let source =
        spec("", "", "").replace("    path: /ping\n", "    path: /ping\n    encoding: xml\n");
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:20:15: `encoding` is `json`, `form` or `query`, not `xml`"]
    );
}

#[test]
fn unknown_delivery() {
    let source =
        spec("", "", "").replace("    path: /ping\n", "    path: /ping\n    delivery: post\n");
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:20:15: `delivery` is `call` or `redirect`, not `post`"]
    );
}

#[test]
fn unknown_field_location() {
    let fields = "        code: {type: string, in: cookie, doc: Where.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:25:34: `in` is `body`, `path`, `query` or `header`, not `cookie`"]
    );
}

#[test]
fn unknown_automatic_value() {
    let fields = "        stamp: {type: string, auto: now, doc: When.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:25:37: `auto` is `credential.<name>`, `dttm` or `signature`, not `now`"]
    );
}

#[test]
fn unknown_length_unit() {
    let fields = "        name: {type: string, max_length: 5, length_unit: words, doc: Name.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        ["demo.yaml:25:58: `length_unit` is `chars` or `bytes`, not `words`"]
    );
}

#[test]
fn unknown_header_value() {
    let top = "headers:\n  X-Key: {value: key, doc: A key.}\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        [
            "demo.yaml:10:18: a header's value is `credential.<name>`, `uuid` or `idempotency_key`, not `key`"
        ]
    );
}

#[test]
fn text_that_is_not_a_type() {
    let fields = "        tags: {type: list<string, doc: Unclosed.}\n";
    assert_eq!(
        diagnose(&spec("", "", fields)),
        [
            "demo.yaml:25:22: `list<string` is not a type: use string, integer, boolean, a type name, list<T> or map<T>"
        ]
    );
}

#[test]
fn header_from_an_undeclared_credential() {
    let top = "headers:\n  X-Key: {value: credential.api_key, doc: A key.}\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        ["demo.yaml:10:18: `api_key` is not listed under `credentials`"]
    );
}

#[test]
fn header_text_naming_an_undeclared_credential() {
    let top = "credentials:\n  login: {doc: Login.}\nheaders:\n  Authorization: {text: \"Bearer {credential.token}\", doc: Token.}\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        ["demo.yaml:12:25: `token` is not listed under `credentials`"]
    );
}

#[test]
fn basic_header_naming_an_undeclared_credential() {
    let top = "credentials:\n  login: {doc: Login.}\nheaders:\n  Authorization: {basic: [login, password], doc: Basic.}\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        ["demo.yaml:12:26: `password` is not listed under `credentials`"]
    );
}

#[test]
fn basic_header_without_two_credentials() {
    let top = "credentials:\n  login: {doc: Login.}\nheaders:\n  Authorization: {basic: [login], doc: Basic.}\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        ["demo.yaml:12:26: `basic` names two credentials: the user and the password"]
    );
}

#[test]
fn header_text_with_a_placeholder_that_is_no_credential() {
    let top = "headers:\n  Authorization: {text: \"Bearer {token}\", doc: Token.}\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        [
            "demo.yaml:10:25: `{token}` in a header's text: write `{credential.<name>}`, and no other braces"
        ]
    );
}

#[test]
fn header_with_two_sources_of_its_value() {
    let top = "headers:\n  X-Version: {value: uuid, text: \"1\", doc: Version.}\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        [
            "demo.yaml:10:14: a header takes its value from exactly one of `value`, `basic` or `text`"
        ]
    );
}

#[test]
fn unknown_url_variable() {
    let source = spec("", "", "").replace(
        "sandbox: {url: \"https://sandbox.example\", doc: Sandbox.}",
        "sandbox: {url: \"https://{shop}.example\", doc: Sandbox.}",
    );
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:8:18: unknown URL variable `{shop}`: declare it under `variables`"]
    );
}

#[test]
fn url_variable_missing_from_the_url() {
    let source = spec("", "", "").replace(
        "sandbox: {url: \"https://sandbox.example\", doc: Sandbox.}",
        "sandbox: {url: \"https://sandbox.example\", variables: {shop: {doc: Shop.}}, doc: Sandbox.}",
    );
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:8:57: URL variable `shop` does not appear in the url as `{shop}`"]
    );
}

#[test]
fn unbalanced_brace_in_an_environment_url() {
    let source = spec("", "", "").replace(
        "sandbox: {url: \"https://sandbox.example\", doc: Sandbox.}",
        "sandbox: {url: \"https://{shop.example\", doc: Sandbox.}",
    );
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:8:18: `{` in an environment url: a variable is `{snake_case_name}`"]
    );
}

#[test]
fn unknown_credential_type() {
    let top = "credentials:\n  merchant_id: {doc: Id., type: number}\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        ["demo.yaml:10:33: a credential's type is `string` or `integer`, not `number`"]
    );
}

#[test]
fn unknown_scalar_base() {
    let source = spec("", "", "").replace(
        "    type: string\n    max_length: 1\n",
        "    type: text\n    max_length: 1\n",
    );
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:12:11: a scalar type is `string` or `integer`, not `text`",
            // Without its base the type is not read, so its uses name an unknown type.
            "demo.yaml:24:29: unknown type `Placeholder`",
        ]
    );
}

#[test]
fn operation_without_repeat() {
    let source = spec("", "", "").replace("    repeat: read\n", "");
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:15:3: operation `ping` is missing the required key `repeat`: `read`, `idempotent` or `unsafe` (may sending it twice act twice?)"
        ]
    );
}

#[test]
fn repeat_outside_its_values() {
    let source = spec("", "", "").replace("repeat: read", "repeat: twice");
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:29:13: `repeat` is `read`, `idempotent` or `unsafe`, not `twice`"]
    );
}

#[test]
fn unsafe_operation_without_reconcile() {
    let source = spec("", "", "").replace("repeat: read", "repeat: unsafe");
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:29:13: an `unsafe` operation needs `reconcile`: the request fields that identify it at the gateway when its outcome is unknown"
        ]
    );
}

#[test]
fn reconcile_naming_a_missing_or_sensitive_field() {
    let fields = "        pan: {type: string, sensitive: true, doc: Card number.}\n";
    let source = spec("", "", fields).replace(
        "repeat: read",
        "repeat: unsafe\n    reconcile: [id, ordr, pan, id.inner]",
    );
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:31:21: `reconcile` names `ordr`, which is not a request field",
            "demo.yaml:31:27: `reconcile` names `pan`, which is sensitive and never printed",
            "demo.yaml:31:32: `reconcile` names `id.inner`, but `id` is not an object",
        ]
    );
}

#[test]
fn reconcile_on_a_read() {
    let source = spec("", "", "").replace("repeat: read", "repeat: read\n    reconcile: [id]");
    assert_eq!(
        diagnose(&source),
        ["demo.yaml:30:17: a `read` operation changes nothing: `reconcile` does not apply"]
    );
}

#[test]
fn unprocessed_status_that_is_not_retried() {
    let top = "retry:\n  http_status: [503]\n  unprocessed_http_status: [429]\n";
    assert_eq!(
        diagnose(&spec(top, "", "")),
        ["demo.yaml:11:29: an unprocessed HTTP status must also be listed in `retry.http_status`"]
    );
}

#[test]
fn operation_result_naming_a_missing_field() {
    let source = spec("", "", "").replace(
        "repeat: read",
        "repeat: read\n    result: {code_field: status, codes: [{code: error, name: error, doc: No.}]}",
    );
    assert_eq!(
        diagnose(&source),
        [
            "demo.yaml:26:7: the response of `ping` lacks `status`, which `result` names",
            "demo.yaml:30:13: no code of `result.codes` means success: every answer would be an error",
        ]
    );
}
