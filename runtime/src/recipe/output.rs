//! Signature bytes written as text and read back.

use base64::Engine as _;

use super::Output;

pub(super) fn encode(output: Output, bytes: &[u8]) -> String {
    match output {
        Output::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
        Output::HexLower => hex(bytes, b"0123456789abcdef"),
        Output::HexUpper => hex(bytes, b"0123456789ABCDEF"),
    }
}

/// The bytes behind a received signature, or `None` when it is not valid in the encoding.
/// Hex is read in either case: the case carries no part of the signature.
pub(super) fn decode(output: Output, text: &str) -> Option<Vec<u8>> {
    match output {
        Output::Base64 => base64::engine::general_purpose::STANDARD.decode(text).ok(),
        Output::HexLower | Output::HexUpper => decode_hex(text),
    }
}

fn hex(bytes: &[u8], digits: &[u8; 16]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(digits[usize::from(byte >> 4)]));
        text.push(char::from(digits[usize::from(byte & 0x0f)]));
    }
    text
}

pub(super) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

fn nibble(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_in_both_cases() {
        let bytes = [0x00, 0x7f, 0xab, 0xff];
        assert_eq!(encode(Output::HexLower, &bytes), "007fabff");
        assert_eq!(encode(Output::HexUpper, &bytes), "007FABFF");
        assert_eq!(decode(Output::HexLower, "007FABff").unwrap(), bytes);
        assert_eq!(decode(Output::HexUpper, "007fabff").unwrap(), bytes);
        assert_eq!(decode(Output::HexLower, "007"), None);
        assert_eq!(decode(Output::HexLower, "0g"), None);
        assert_eq!(decode(Output::Base64, "not base64!"), None);
    }
}
