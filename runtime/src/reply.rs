//! The merchant's reply to a received message: the documented body some gateways wait for
//! before they stop sending the message again (IPS Assist's `pushpaymentresult`).

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::schema::{Callback, CallbackReply, ReplyFormat, ReplyPart};

/// What the merchant's endpoint answers a received message with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantReply {
    /// The `Content-Type` header of the answer.
    pub content_type: &'static str,
    /// The answer's body.
    pub body: String,
}

/// The reply `callback` declares, written for `message` (a verified or decoded message of it).
/// Fails only when the message lacks a value the reply repeats, or holds no text, number or
/// boolean in it: the spec allows only required scalar fields, so a generated message always
/// has them.
pub fn merchant_reply<T: Serialize>(
    callback: &'static Callback,
    message: &T,
) -> Result<MerchantReply, Error> {
    let no_reply = |message: String| Error::Decode {
        operation: callback.id,
        message,
    };
    let reply: &CallbackReply = callback
        .reply
        .ok_or_else(|| no_reply("the spec declares no reply to this message".to_owned()))?;
    let message = serde_json::to_value(message).map_err(|e| no_reply(e.to_string()))?;
    let mut body = String::new();
    for part in reply.body {
        match part {
            ReplyPart::Text(text) => body.push_str(text),
            ReplyPart::Field(wire) => {
                let value = match message.get(wire) {
                    Some(Value::String(text)) => text.clone(),
                    Some(Value::Number(number)) => number.to_string(),
                    Some(Value::Bool(flag)) => flag.to_string(),
                    _ => {
                        return Err(no_reply(format!(
                            "no text, number or boolean `{wire}` to reply with"
                        )));
                    }
                };
                push_escaped(&mut body, &value, reply.format);
            }
        }
    }
    Ok(MerchantReply {
        content_type: reply.format.content_type(),
        body,
    })
}

fn push_escaped(body: &mut String, value: &str, format: ReplyFormat) {
    match format {
        ReplyFormat::Text => body.push_str(value),
        ReplyFormat::Xml => {
            for c in value.chars() {
                match c {
                    '&' => body.push_str("&amp;"),
                    '<' => body.push_str("&lt;"),
                    '>' => body.push_str("&gt;"),
                    '"' => body.push_str("&quot;"),
                    '\'' => body.push_str("&apos;"),
                    c => body.push(c),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Charset, Field, Kind, MessageEncoding, Object};
    use serde_json::json;

    static MESSAGE: Object = Object {
        name: "Notice",
        fields: &[
            Field::new("bill", Kind::String).required(),
            Field::new("count", Kind::Integer).required(),
        ],
        rules: &[],
        items: None,
    };

    static REPLY: CallbackReply = CallbackReply {
        format: ReplyFormat::Xml,
        body: &[
            ReplyPart::Text("<ok bill=\""),
            ReplyPart::Field("bill"),
            ReplyPart::Text("\">"),
            ReplyPart::Field("count"),
            ReplyPart::Text("</ok>"),
        ],
    };

    static NOTICE: Callback = Callback {
        id: "notice",
        summary: "",
        message: &MESSAGE,
        recipes: &[],
        signature: &[],
        token_field: None,
        only_signed: None,
        delivery: MessageEncoding::Form,
        charset: Charset::Utf8,
        result: None,
        reply: Some(&REPLY),
    };

    #[test]
    fn fields_are_written_escaped_for_the_format() {
        let reply = merchant_reply(&NOTICE, &json!({"bill": "a&b\"<c>'", "count": 3})).unwrap();
        assert_eq!(
            reply.body,
            "<ok bill=\"a&amp;b&quot;&lt;c&gt;&apos;\">3</ok>"
        );
        assert_eq!(reply.content_type, "application/xml; charset=utf-8");
    }

    #[test]
    fn a_missing_or_structured_value_is_no_reply() {
        for message in [json!({"count": 3}), json!({"bill": ["x"], "count": 3})] {
            let refused = merchant_reply(&NOTICE, &message);
            assert!(matches!(refused, Err(Error::Decode { .. })), "{message}");
        }
        let silent = Callback {
            reply: None,
            ..NOTICE
        };
        let silent: &'static Callback = Box::leak(Box::new(silent));
        assert!(merchant_reply(silent, &json!({"bill": "b", "count": 1})).is_err());
    }
}
