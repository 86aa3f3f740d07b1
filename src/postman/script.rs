//! Postman scripts → captures and assertions. `runner` does not run JavaScript: the patterns
//! real collections use are recognised line by line; everything else is kept, verbatim, as a
//! YAML comment on its request (and listed in the import report). Never silently dropped.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

/// What a capture takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Cap {
    /// A JSONPath on the body.
    Json(String),
    /// A response header.
    Header(String),
    /// The status code.
    Status,
    /// The body text.
    Body,
}

/// One recognised assertion: section (`status`, `json`, `headers`, `body`, `duration`), the
/// key inside it (JSONPath or header name; empty otherwise), the operator and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// `status`, `json`, `headers`, `body`, `duration`.
    pub section: &'static str,
    /// JSONPath or header name.
    pub key: String,
    /// Matcher operator.
    pub op: &'static str,
    /// Expected value (templated strings allowed).
    pub value: Value,
}

/// The outcome of translating one script.
#[derive(Debug, Default, Clone)]
pub struct Translated {
    /// `name → source`, in script order.
    pub captures: Vec<(String, Cap)>,
    /// Assertions, in script order.
    pub checks: Vec<Check>,
    /// Lines kept as comments (verbatim).
    pub kept: Vec<String>,
    /// Lines turned into captures or assertions.
    pub translated: usize,
    /// Lines of `kept` that are code (not blank, not `//` comments, not braces).
    pub untranslated: usize,
}

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pat).expect("valid regex"));
    };
}

const JSON_ROOT: &str =
    r"(?:pm\.response\.json\(\)|JSON\.parse\(\s*(?:responseBody|pm\.response\.text\(\))\s*\))";
re!(
    ALIAS,
    r"^(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(.+?)(?:\s*\|\|\s*\{\s*\})?$"
);
re!(
    ACCESSORS,
    r#"^((?:\.[A-Za-z_$][\w$]*|\[\d+\]|\[(?:'[^']*'|"[^"]*")\])*)$"#
);
re!(IDENT_HEAD, r"^([A-Za-z_$][\w$]*)(.*)$");
re!(
    SETTER,
    r#"^(?:if\s*\((.+?)\)\s*)?(?:pm\.(?:environment|collectionVariables|globals|variables)\.set|postman\.set(?:Environment|Global)Variable)\(\s*(['"])([^'"]+)['"]\s*,\s*(.+)\)$"#
);
re!(
    WRAPPED,
    r#"^pm\.test\(\s*(?:"[^"]*"|'[^']*'|`[^`]*`)\s*,\s*(?:function\s*\(\s*\)|\(\s*\)\s*=>)\s*\{?\s*(.+?)\s*;?\s*\}?\s*\)$"#
);
re!(
    OPENER,
    r#"^pm\.test\(\s*(?:"[^"]*"|'[^']*'|`[^`]*`)\s*,\s*(?:function\s*\(\s*\)|\(\s*\)\s*=>)\s*\{$"#
);
re!(STATUS, r"^pm\.response\.to\.have\.status\((\d{3})\)$");
re!(EXPECT, r"^pm\.expect\((.+)\)\.to\.(.+)$");
re!(
    HEADER,
    r#"^pm\.response\.to\.have\.header\(\s*(['"])(.+?)['"]\s*(?:,\s*(.+))?\)$"#
);
re!(TESTS, r#"^tests\[\s*(?:"[^"]*"|'[^']*')\s*\]\s*=\s*(.+)$"#);
re!(COMPARE, r"^(.+?)\s*={2,3}\s*(.+)$");
re!(HAS_OWN, r#"^(.+)\.hasOwnProperty\(\s*['"](.+?)['"]\s*\)$"#);
re!(
    VAR_GET,
    r#"^(?:pm\.(?:environment|collectionVariables|globals|variables)\.get|postman\.get(?:Environment|Global)Variable)\(\s*['"]([^'"]+)['"]\s*\)$"#
);
re!(
    HEADER_GET,
    r#"^(?:pm\.response\.headers\.get|postman\.getResponseHeader)\(\s*['"]([^'"]+)['"]\s*\)$"#
);

/// Translates one test script.
pub fn translate(lines: &[String], renames: &HashMap<String, String>) -> Translated {
    let mut out = Translated::default();
    let mut aliases: HashMap<String, String> = HashMap::new();
    for raw in lines {
        let line = raw.trim().trim_end_matches(';').trim();
        if line.is_empty() || matches!(line, "}" | "})" | "});" | "{") || OPENER.is_match(line) {
            continue;
        }
        if line.starts_with("//") {
            out.kept.push(raw.clone());
            continue;
        }
        if let Some(c) = ALIAS.captures(line)
            && let Some(path) = json_path(&c[2], &aliases)
        {
            aliases.insert(c[1].to_string(), path);
            continue;
        }
        let inner = WRAPPED
            .captures(line)
            .map_or(line.to_string(), |c| c[1].trim_end_matches(';').to_string());
        if statement(&inner, &aliases, renames, &mut out) {
            out.translated += 1;
        } else {
            out.kept.push(raw.clone());
            out.untranslated += 1;
        }
    }
    out
}

/// One statement; true when it was turned into a capture or an assertion.
fn statement(
    s: &str,
    aliases: &HashMap<String, String>,
    renames: &HashMap<String, String>,
    out: &mut Translated,
) -> bool {
    if let Some(c) = SETTER.captures(s) {
        let name = renames
            .get(&c[3])
            .cloned()
            .unwrap_or_else(|| c[3].to_string());
        let value = c[4].trim();
        let cap = if let Some(p) = json_path(value, aliases) {
            Cap::Json(p)
        } else if let Some(h) = HEADER_GET.captures(value) {
            Cap::Header(h[1].to_string())
        } else if matches!(value, "pm.response.code" | "responseCode.code") {
            Cap::Status
        } else if matches!(value, "pm.response.text()" | "responseBody") {
            Cap::Body
        } else {
            return false;
        };
        // `if (x) set(name, x)`: only a guard on the same value is accepted.
        if let Some(cond) = c.get(1)
            && json_path(cond.as_str(), aliases) != json_path(value, aliases)
        {
            return false;
        }
        out.captures.retain(|(n, _)| *n != name);
        out.captures.push((name, cap));
        return true;
    }
    if let Some(c) = STATUS.captures(s) {
        return push(
            out,
            "status",
            "",
            "equals",
            Value::from(c[1].parse::<u16>().unwrap_or(200)),
        );
    }
    if s == "pm.response.to.be.ok" {
        return push(out, "status", "", "class", Value::from("2xx"));
    }
    if let Some(c) = HEADER.captures(s) {
        let name = c[2].to_string();
        return match c.get(3) {
            None => push(out, "headers", &name, "exists", Value::Bool(true)),
            Some(v) => match literal(v.as_str(), renames) {
                Some(v) => push(out, "headers", &name, "equals", v),
                None => false,
            },
        };
    }
    if let Some(c) = EXPECT.captures(s) {
        return expectation(c[1].trim(), c[2].trim(), aliases, renames, out);
    }
    if let Some(c) = TESTS.captures(s) {
        return legacy(c[1].trim(), aliases, renames, out);
    }
    false
}

fn push(
    out: &mut Translated,
    section: &'static str,
    key: &str,
    op: &'static str,
    value: Value,
) -> bool {
    out.checks.push(Check {
        section,
        key: key.to_string(),
        op,
        value,
    });
    true
}

/// What an expectation looks at.
fn subject(s: &str, aliases: &HashMap<String, String>) -> Option<(&'static str, String)> {
    let s = s.trim();
    if matches!(s, "pm.response.code" | "responseCode.code") {
        return Some(("status", String::new()));
    }
    if matches!(s, "pm.response.text()" | "responseBody") {
        return Some(("body", String::new()));
    }
    if matches!(s, "pm.response.responseTime" | "responseTime") {
        return Some(("duration", String::new()));
    }
    if let Some(h) = HEADER_GET.captures(s) {
        return Some(("headers", h[1].to_string()));
    }
    json_path(s, aliases).map(|p| ("json", p))
}

fn expectation(
    subj: &str,
    chain: &str,
    aliases: &HashMap<String, String>,
    renames: &HashMap<String, String>,
    out: &mut Translated,
) -> bool {
    let Some((section, key)) = subject(subj, aliases) else {
        return false;
    };
    let arg = |name: &str| -> Option<&str> {
        chain
            .strip_prefix(name)?
            .strip_prefix('(')?
            .strip_suffix(')')
    };
    let lit = |a: Option<&str>| a.and_then(|a| literal(a, renames));
    if let Some(k) = lit(arg("have.property"))
        .and_then(|v| v.as_str().map(str::to_string))
        .filter(|_| section == "json")
    {
        return push(out, "json", &child(&key, &k), "exists", Value::Bool(true));
    }
    let Some((op, value)) = chai(chain, renames) else {
        return false;
    };
    if section == "duration" && !matches!(op, "lt" | "lte" | "gt" | "gte") {
        return false;
    }
    push(out, section, &key, op, value)
}

/// A chai chain (`to.eql(1)`, `to.be.a('string')`, …) → a matcher operator and its value.
fn chai(chain: &str, renames: &HashMap<String, String>) -> Option<(&'static str, Value)> {
    const TABLE: &[(&str, &[&str])] = &[
        (
            "equals",
            &["eql", "equal", "eq", "equals", "be.eql", "be.equal"],
        ),
        ("not_equals", &["not.eql", "not.equal", "not.eq"]),
        ("one_of", &["be.oneOf"]),
        (
            "contains",
            &["include", "contain", "contains", "includes", "have.string"],
        ),
        (
            "not_contains",
            &["not.include", "not.contain", "not.contains", "not.includes"],
        ),
        ("length", &["have.lengthOf", "have.length"]),
        ("gt", &["be.above", "be.greaterThan"]),
        ("lt", &["be.below", "be.lessThan"]),
        ("gte", &["be.at.least"]),
        ("lte", &["be.at.most"]),
    ];
    let arg = |name: &str| -> Option<&str> {
        chain
            .strip_prefix(name)?
            .strip_prefix('(')?
            .strip_suffix(')')
    };
    let lit = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| arg(n).and_then(|a| literal(a, renames)))
    };
    for (op, names) in TABLE {
        if let Some(v) = lit(names) {
            return Some((op, v));
        }
    }
    match chain {
        "exist" | "not.be.undefined" => return Some(("exists", Value::Bool(true))),
        "not.exist" | "be.undefined" => return Some(("exists", Value::Bool(false))),
        "be.true" => return Some(("equals", Value::Bool(true))),
        "be.false" => return Some(("equals", Value::Bool(false))),
        "be.null" => return Some(("equals", Value::Null)),
        _ => {}
    }
    if let Some(t) = lit(&["be.a", "be.an"]) {
        let t = t
            .as_str()
            .filter(|t| ["string", "number", "boolean", "array", "object", "null"].contains(t))?;
        return Some(("type", Value::from(t.to_string())));
    }
    arg("match")
        .and_then(js_regex)
        .map(|re| ("matches", Value::from(re)))
}

/// `tests["…"] = <expr>`.
fn legacy(
    rhs: &str,
    aliases: &HashMap<String, String>,
    renames: &HashMap<String, String>,
    out: &mut Translated,
) -> bool {
    if let Some(c) = HAS_OWN.captures(rhs)
        && let Some(p) = json_path(&c[1], aliases)
    {
        return push(out, "json", &child(&p, &c[2]), "exists", Value::Bool(true));
    }
    if let Some(c) = COMPARE.captures(rhs)
        && let Some((section, key)) = subject(&c[1], aliases)
        && let Some(v) = literal(&c[2], renames)
        && section != "duration"
    {
        return push(out, section, &key, "equals", v);
    }
    if let Some(v) = rhs
        .strip_prefix("responseBody.has(")
        .and_then(|r| r.strip_suffix(')'))
        .and_then(|a| literal(a, renames))
    {
        return push(out, "body", "", "contains", v);
    }
    if let Some(n) = rhs
        .strip_prefix("responseTime <")
        .and_then(|r| literal(r, renames))
    {
        return push(out, "duration", "", "lt", n);
    }
    false
}

/// A JS expression reading the JSON body → a JSONPath.
pub fn json_path(expr: &str, aliases: &HashMap<String, String>) -> Option<String> {
    let expr = expr.trim();
    let root = Regex::new(&format!("^{JSON_ROOT}(.*)$")).ok()?;
    let (base, rest) = if let Some(c) = root.captures(expr) {
        ("$".to_string(), c[1].to_string())
    } else {
        let c = IDENT_HEAD.captures(expr)?;
        (aliases.get(&c[1])?.clone(), c[2].to_string())
    };
    let acc = ACCESSORS.captures(rest.trim())?;
    let mut path = base;
    let seg = Regex::new(r#"\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]"#).ok()?;
    for m in seg.captures_iter(&acc[1]) {
        if let Some(n) = m.get(1).or(m.get(3)).or(m.get(4)) {
            path = child(&path, n.as_str());
        } else if let Some(i) = m.get(2) {
            path.push_str(&format!("[{}]", i.as_str()));
        }
    }
    Some(path)
}

/// `$.a` + `b` → `$.a.b` (or `$.a['b c']`).
fn child(path: &str, name: &str) -> String {
    if crate::template::is_identifier(name) {
        format!("{path}.{name}")
    } else {
        format!("{path}['{}']", name.replace('\'', "\\'"))
    }
}

/// A JS literal (number, string, boolean, null, array of those) or a variable read.
fn literal(s: &str, renames: &HashMap<String, String>) -> Option<Value> {
    let s = s.trim();
    if let Some(c) = VAR_GET.captures(s) {
        let name = renames
            .get(&c[1])
            .cloned()
            .unwrap_or_else(|| c[1].to_string());
        return Some(Value::String(format!("{{{{ {name} }}}}")));
    }
    if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        return Some(Value::String(s[1..s.len() - 1].replace("\\'", "'")));
    }
    if let Ok(v) = serde_json::from_str::<Value>(s) {
        return Some(v);
    }
    if s.starts_with('[') && !s.contains('"') {
        return serde_json::from_str(&s.replace('\'', "\"")).ok();
    }
    None
}

/// `/re/flags` → a Rust regex.
fn js_regex(s: &str) -> Option<String> {
    let s = s.trim().strip_prefix('/')?;
    let end = s.rfind('/')?;
    let (body, flags) = (&s[..end], &s[end + 1..]);
    let prefix = if flags.contains('i') { "(?i)" } else { "" };
    let re = format!("{prefix}{body}");
    Regex::new(&re).ok().map(|_| re)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(lines: &[&str]) -> Translated {
        translate(
            &lines.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            &HashMap::new(),
        )
    }

    #[test]
    fn webcrm_login_script_becomes_a_capture() {
        let r = t(&[
            "var jsonData = JSON.parse(responseBody);",
            "postman.setEnvironmentVariable(\"AccessToken\", jsonData.AccessToken);",
        ]);
        assert_eq!(
            r.captures,
            vec![("AccessToken".to_string(), Cap::Json("$.AccessToken".into()))]
        );
        assert_eq!((r.translated, r.untranslated), (1, 0));
    }

    #[test]
    fn assertions_and_kept_lines() {
        let r = t(&[
            "pm.test(\"ok\", function () {",
            "    pm.response.to.have.status(201);",
            "    pm.expect(pm.response.json().items[0]['a-b']).to.eql('x');",
            "});",
            "tests['code'] = responseCode.code === 200;",
            "pm.test('t', () => pm.expect(pm.response.json().n).to.be.a('number'))",
            "console.log('hi');",
        ]);
        assert_eq!(r.checks.len(), 4, "{:?}", r.checks);
        assert_eq!(r.checks[1].key, "$.items[0]['a-b']");
        assert_eq!(r.checks[3].op, "type");
        assert_eq!(r.kept, vec!["console.log('hi');"]);
    }
}
