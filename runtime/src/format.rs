//! The spec's named string formats.

use base64::Engine as _;

use crate::schema::Format;

/// Whether `value` is in `format`.
pub fn check(format: Format, value: &str) -> bool {
    match format {
        Format::Dttm => dttm(value),
        Format::Base64 => base64::engine::general_purpose::STANDARD
            .decode(value)
            .is_ok(),
        Format::Ip => value.parse::<std::net::IpAddr>().is_ok(),
        Format::Email => email(value),
        Format::Currency => value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()),
        Format::CurrencyNumeric => currency_numeric(value),
        Format::Uuid => uuid(value),
        Format::Date => date_dmy(value),
        Format::IsoDate => date_iso(value),
        Format::Url => url(value),
        Format::AppUrl => app_url(value),
        Format::Luhn => luhn(value),
        Format::MonthYear => crate::month_year::MonthYear::parse(value).is_some(),
        Format::Digits => {
            let unsigned = value.strip_prefix('-').unwrap_or(value);
            !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// The format's name in the spec language, as violations report it.
pub fn name(format: Format) -> &'static str {
    format.as_str()
}

/// The value of a run of ASCII digits; `None` for anything else, so callers never index past a
/// non-digit.
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_leap(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn real_date(year: u32, month: u32, day: u32) -> bool {
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// `value` split at fixed byte offsets, or `None` when a cut would not fall on a character
/// boundary (the value then is not all ASCII and cannot match anyway).
fn cut<const N: usize>(value: &str, lengths: [usize; N]) -> Option<[&str; N]> {
    let mut parts = [""; N];
    let mut rest = value;
    for (part, len) in parts.iter_mut().zip(lengths) {
        let (head, tail) = rest.split_at_checked(len)?;
        *part = head;
        rest = tail;
    }
    rest.is_empty().then_some(parts)
}

fn dttm(value: &str) -> bool {
    let Some([y, mo, d, h, mi, s]) = cut(value, [4, 2, 2, 2, 2, 2]) else {
        return false;
    };
    match [y, mo, d, h, mi, s].map(digits) {
        [Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)] => {
            real_date(y, mo, d) && h < 24 && mi < 60 && s < 60
        }
        _ => false,
    }
}

fn date_dmy(value: &str) -> bool {
    match cut(value, [2, 1, 2, 1, 4]) {
        Some([d, ".", m, ".", y]) => matches!(
            (digits(y), digits(m), digits(d)),
            (Some(y), Some(m), Some(d)) if real_date(y, m, d)
        ),
        _ => false,
    }
}

fn date_iso(value: &str) -> bool {
    match cut(value, [4, 1, 2, 1, 2]) {
        Some([y, "-", m, "-", d]) => matches!(
            (digits(y), digits(m), digits(d)),
            (Some(y), Some(m), Some(d)) if real_date(y, m, d)
        ),
        _ => false,
    }
}

fn uuid(value: &str) -> bool {
    match cut(value, [8, 1, 4, 1, 4, 1, 4, 1, 12]) {
        Some([a, "-", b, "-", c, "-", d, "-", e]) => [a, b, c, d, e]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit())),
        _ => false,
    }
}

fn email(value: &str) -> bool {
    if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let mut parts = value.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && domain.split('.').all(|label| !label.is_empty())
}

fn url(value: &str) -> bool {
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let rest = ["http://", "https://"].iter().find_map(|scheme| {
        value
            .get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .and_then(|_| value.get(scheme.len()..))
    });
    let Some(rest) = rest else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if host_port.starts_with('[') {
        // An IPv6 literal keeps its colons inside the brackets.
        host_port.split_inclusive(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    !host.is_empty() && host != "[]"
}

/// ISO 4217 numeric codes of the currencies in circulation (list of 2024), sorted. Fund codes
/// (`979` MXV), precious metals, test codes and withdrawn currencies (`191` HRK) are left out:
/// a payment is made in none of them.
const CURRENCY_NUMERIC: [u16; 156] = [
    8, 12, 32, 36, 44, 48, 50, 51, 52, 60, 64, 68, 72, 84, 90, 96, 104, 108, 116, 124, 132, 136,
    144, 152, 156, 170, 174, 188, 192, 203, 208, 214, 222, 230, 232, 238, 242, 262, 270, 292, 320,
    324, 328, 332, 340, 344, 348, 352, 356, 360, 364, 368, 376, 388, 392, 398, 400, 404, 408, 410,
    414, 417, 418, 422, 426, 430, 434, 446, 454, 458, 462, 480, 484, 496, 498, 504, 512, 516, 524,
    532, 533, 548, 554, 558, 566, 578, 586, 590, 598, 600, 604, 608, 634, 643, 646, 654, 682, 690,
    702, 704, 706, 710, 728, 748, 752, 756, 760, 764, 776, 780, 784, 788, 800, 807, 818, 826, 834,
    840, 858, 860, 882, 886, 901, 924, 925, 926, 928, 929, 930, 933, 934, 936, 938, 941, 943, 944,
    946, 949, 950, 951, 952, 953, 967, 968, 969, 971, 972, 973, 975, 976, 977, 978, 980, 981, 985,
    986,
];

/// Exactly three ASCII digits naming a currency of [`CURRENCY_NUMERIC`]: `978`, `203`, `008`.
fn currency_numeric(value: &str) -> bool {
    value.len() == 3
        && digits(value)
            .and_then(|code| u16::try_from(code).ok())
            .is_some_and(|code| CURRENCY_NUMERIC.binary_search(&code).is_ok())
}

/// `scheme://rest`: an RFC 3986 scheme (a letter, then letters, digits, `+`, `-`, `.`), then
/// something besides slashes, no whitespace. An `http` or `https` one must also be a [`url`], so
/// the looser format never lets a broken web address through.
fn app_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once("://") else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let rest_ok = !rest.trim_start_matches('/').is_empty()
        && !rest.chars().any(|c| c.is_whitespace() || c.is_control());
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    scheme_ok && rest_ok && (!web || url(value))
}

/// ASCII digits whose Luhn checksum is valid: the check digit of card numbers.
fn luhn(value: &str) -> bool {
    if value.len() < 2 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = value
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let digit = u32::from(b - b'0');
            match (i % 2 == 1, digit * 2) {
                (false, _) => digit,
                (true, doubled) if doubled > 9 => doubled - 9,
                (true, doubled) => doubled,
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn numeric_currency_codes_come_from_the_table() {
        use super::{CURRENCY_NUMERIC, Format, check};
        assert!(CURRENCY_NUMERIC.windows(2).all(|w| w[0] < w[1]), "sorted");
        for good in ["978", "203", "840", "008", "986"] {
            assert!(check(Format::CurrencyNumeric, good), "{good}");
        }
        // 191 is the withdrawn kuna, 999 the test code, 000 nothing; 2-digit and signed forms
        // are not the three digits the standard writes.
        for bad in ["191", "999", "000", "97", "0978", "+97", "EUR", "", "97a"] {
            assert!(!check(Format::CurrencyNumeric, bad), "{bad}");
        }
    }

    #[test]
    fn app_urls_take_any_scheme_but_keep_a_url_shape() {
        use super::{Format, check};
        for good in [
            "myapp://return",
            "com.example.shop://pay/done?id=1",
            "my-app+v2://x",
            "https://shop.example/return",
            "myapp:///callback",
        ] {
            assert!(check(Format::AppUrl, good), "{good}");
        }
        for bad in [
            "myapp:return",
            "://return",
            "1app://return",
            "my app://return",
            "myapp://",
            "myapp:///",
            "myapp://re turn",
            "https://",
            "https:///path",
            "",
        ] {
            assert!(!check(Format::AppUrl, bad), "{bad}");
        }
    }

    #[test]
    fn luhn_card_numbers() {
        use super::{Format, check};
        for good in ["4242424242424242", "5555555555554444", "79927398713"] {
            assert!(check(Format::Luhn, good), "{good}");
        }
        for bad in [
            "4242424242424243",
            "79927398710",
            "4242 4242 4242 4242",
            "",
            "0",
            "42424242424242a2",
        ] {
            assert!(!check(Format::Luhn, bad), "{bad}");
        }
    }

    use super::*;

    fn ok(format: Format, values: &[&str]) {
        for v in values {
            assert!(check(format, v), "{} should accept {v:?}", name(format));
        }
    }

    fn bad(format: Format, values: &[&str]) {
        for v in values {
            assert!(!check(format, v), "{} should reject {v:?}", name(format));
        }
    }

    #[test]
    fn dttm() {
        ok(
            Format::Dttm,
            &[
                "20220125131559",
                "20240229000000",
                "20231231235959",
                "00010101000000",
            ],
        );
        bad(
            Format::Dttm,
            &[
                "20221325131559",
                "20230229000000",
                "20220125241559",
                "20220125136059",
                "20220125131560",
                "20220100131559",
                "20220431131559",
                "2022012513155",
                "202201251315590",
                "2022-01-25T131",
                "+0220125131559",
                "2022012513155é",
                "",
            ],
        );
    }

    #[test]
    fn date() {
        ok(
            Format::Date,
            &["29.02.2024", "31.12.1999", "01.01.2000", "29.02.2000"],
        );
        bad(
            Format::Date,
            &[
                "29.02.2023",
                "29.02.1900",
                "31.04.2024",
                "00.01.2024",
                "1.1.2024",
                "01-01-2024",
                "01.13.2024",
                "01.01.24",
                "é1.01.2024",
                "",
            ],
        );
    }

    #[test]
    fn iso_date() {
        ok(Format::IsoDate, &["2024-02-29", "2000-02-29", "1999-12-31"]);
        bad(
            Format::IsoDate,
            &[
                "2023-02-29",
                "2100-02-29",
                "2024-06-31",
                "2024-00-10",
                "2024-1-01",
                "2024/01/01",
                "24-01-01",
                "2024-01-01T00:00:00",
                "",
            ],
        );
    }

    #[test]
    fn base64() {
        ok(
            Format::Base64,
            &["", "Zg==", "Zm8=", "Zm9v", "YWJj+/8=", "dGVzdA=="],
        );
        bad(
            Format::Base64,
            &[
                "Zg", "Zg=", "Zm9v\n", "Zm 9v", "Zm9v====", "Zh==", "YWJj-_8=", "=Zm9", "é",
            ],
        );
    }

    #[test]
    fn ip() {
        ok(
            Format::Ip,
            &[
                "192.0.2.2",
                "0.0.0.0",
                "255.255.255.255",
                "::1",
                "2001:db8::1",
            ],
        );
        bad(
            Format::Ip,
            &[
                "256.0.0.1",
                "192.0.2",
                "192.0.2.2 ",
                "localhost",
                "2001:db8:::1",
                "",
            ],
        );
    }

    #[test]
    fn email() {
        let longest = format!("{}@example.com", "a".repeat(254 - 12));
        let too_long = format!("{}@example.com", "a".repeat(255 - 12));
        ok(
            Format::Email,
            &["jan.novak@example.com", "a@b.cz", &longest],
        );
        bad(
            Format::Email,
            &[
                "jan.novak",
                "@example.com",
                "a@b",
                "a@@b.cz",
                "a@b@c.cz",
                "a b@c.cz",
                "a@b..cz",
                "a@.cz",
                "a@b.cz.",
                "a@b.cz\n",
                &too_long,
                "",
            ],
        );
    }

    #[test]
    fn currency() {
        ok(Format::Currency, &["CZK", "EUR", "USD"]);
        bad(Format::Currency, &["czk", "CZ", "CZKK", "CZ1", "ČZK", ""]);
    }

    #[test]
    fn uuid() {
        ok(
            Format::Uuid,
            &[
                "eeddda80-6ca7-4b22-9d6a-eb8e84791ec9",
                "EEDDDA80-6CA7-4B22-9D6A-EB8E84791EC9",
            ],
        );
        bad(
            Format::Uuid,
            &[
                "eeddda80-6ca7-4b22-9d6a-eb8e84791ec",
                "eeddda80-6ca7-4b22-9d6a-eb8e84791ec9a",
                "eeddda806ca74b229d6aeb8e84791ec9",
                "geddda80-6ca7-4b22-9d6a-eb8e84791ec9",
                "eeddda80_6ca7-4b22-9d6a-eb8e84791ec9",
                "eeddda8é-6ca7-4b22-9d6a-eb8e84791ec9",
                "",
            ],
        );
    }

    #[test]
    fn url() {
        ok(
            Format::Url,
            &[
                "https://shop.example.com/return",
                "http://localhost:8080",
                "HTTPS://EXAMPLE.COM",
                "https://user@example.com/x?y#z",
                "https://[::1]:443/",
            ],
        );
        bad(
            Format::Url,
            &[
                "ftp://example.com",
                "https://",
                "https:///path",
                "https://:443/",
                "shop.example.com",
                "https://exa mple.com",
                "https://[]/",
                "/return",
                "ht",
                "é",
                "",
            ],
        );
    }
}
