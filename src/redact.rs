//! Masking: values of secret variables and credentials headers never reach any output.

use serde_json::Value;

/// What replaces a secret.
pub const MASK: &str = "***";

/// Headers whose values are always masked.
pub const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// The secret values known so far in a run.
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    secrets: Vec<String>,
    reveal: bool,
}

impl Redactor {
    /// A redactor that masks nothing (`--reveal-secrets`).
    pub fn revealing() -> Self {
        Self {
            secrets: Vec::new(),
            reveal: true,
        }
    }

    /// Registers a secret value (its text form). Values shorter than 3 characters are not
    /// masked: masking "1" would garble every number in the output.
    pub fn add(&mut self, value: &Value) {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => return,
            other => other.to_string(),
        };
        if text.chars().count() >= 3 && !self.secrets.contains(&text) {
            self.secrets.push(text);
            // Longest first, so a secret containing another is masked whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// The text with every secret replaced by `***`.
    pub fn mask(&self, text: &str) -> String {
        if self.reveal {
            return text.to_string();
        }
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), MASK);
            }
        }
        out
    }

    /// A header value, masked; credentials headers keep only their scheme.
    pub fn header(&self, name: &str, value: &str) -> String {
        if self.reveal {
            return value.to_string();
        }
        if SENSITIVE_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
        {
            return match value.split_once(' ') {
                Some((scheme, _)) if name.to_ascii_lowercase().ends_with("authorization") => {
                    format!("{scheme} {MASK}")
                }
                _ => MASK.to_string(),
            };
        }
        self.mask(value)
    }

    /// A JSON value with every string masked.
    pub fn value(&self, v: &Value) -> Value {
        if self.secrets.is_empty() {
            return v.clone();
        }
        match v {
            Value::String(s) => Value::String(self.mask(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.value(x)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (self.mask(k), self.value(x)))
                    .collect(),
            ),
            Value::Number(_) if self.secrets.contains(&v.to_string()) => Value::String(MASK.into()),
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets_and_credentials() {
        let mut r = Redactor::default();
        r.add(&Value::from("s3cr3t-token"));
        assert_eq!(r.mask("a=s3cr3t-token&b"), "a=***&b");
        assert_eq!(r.header("Authorization", "Bearer abc"), "Bearer ***");
        assert_eq!(r.header("Cookie", "a=b"), "***");
        assert_eq!(
            r.value(&serde_json::json!({"t": "xs3cr3t-token"})),
            serde_json::json!({"t": "x***"})
        );
    }
}
