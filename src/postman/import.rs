//! Postman collection (v2.0, v2.1) and environment JSON → `runner` YAML.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::emit::{Entry, MapBuilder, Y};
use super::script::{self, Cap, Check, Translated};

/// What an import made and what a person should review.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Folders.
    pub folders: usize,
    /// Requests.
    pub requests: usize,
    /// Captures made from scripts.
    pub captures: usize,
    /// Assertions made from scripts.
    pub assertions: usize,
    /// Script lines turned into captures or assertions.
    pub translated_lines: usize,
    /// Script lines kept as comments (code only: blank lines and braces are not counted).
    pub kept_lines: usize,
    /// Per request or folder: its path, the first untranslated line, and how many there were.
    pub untranslated: Vec<(String, String, usize)>,
    /// Other things to review.
    pub warnings: Vec<String>,
}

impl Report {
    /// The report printed at the end of an import.
    pub fn render(&self) -> String {
        let mut out = format!(
            "imported {} folders, {} requests; {} captures and {} assertions from scripts\nscript lines: {} translated, {} kept as comments\n",
            self.folders,
            self.requests,
            self.captures,
            self.assertions,
            self.translated_lines,
            self.kept_lines
        );
        if !self.untranslated.is_empty() {
            out.push_str(
                "untranslated script lines (kept as `# postman …` comments), first of each:\n",
            );
            for (path, line, n) in &self.untranslated {
                let more = if *n > 1 {
                    format!(" (+{} more)", n - 1)
                } else {
                    String::new()
                };
                out.push_str(&format!("  {path}: {}{more}\n", line.trim()));
            }
        }
        for w in &self.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        out
    }
}

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pat).expect("valid regex"));
    };
}

re!(VAR, r"\{\{\s*([^{}]+?)\s*\}\}");
re!(PATH_VAR, r"(^|/):([A-Za-z_][A-Za-z0-9_-]*)");

/// State of one import.
struct Importer {
    report: Report,
    renames: HashMap<String, String>,
    variables: Vec<(String, Value)>,
    /// Request number of the first use of each variable.
    first_use: HashMap<String, usize>,
    /// Request number of the first capture of each variable.
    first_capture: HashMap<String, usize>,
    request_no: usize,
}

/// A collection file's JSON → YAML text and the report.
pub fn collection(doc: &Value, source: &str) -> Result<(String, Report), String> {
    let schema = doc["info"]["schema"].as_str().unwrap_or("");
    if !doc["info"].is_object() || !doc["item"].is_array() {
        return Err("not a Postman collection: expected `info` and `item` (export it as Collection v2.1 from Postman)".into());
    }
    if !schema.is_empty() && !schema.contains("v2.0") && !schema.contains("v2.1") {
        return Err(format!(
            "unsupported Postman schema {schema:?}: runner reads v2.0 and v2.1"
        ));
    }
    let mut im = Importer {
        report: Report::default(),
        renames: HashMap::new(),
        variables: Vec::new(),
        first_use: HashMap::new(),
        first_capture: HashMap::new(),
        request_no: 0,
    };
    im.collect_renames(doc);
    im.collection_variables(doc);
    let LevelAuth {
        auth,
        headers: auth_headers,
        query: auth_query,
        comments: auth_comments,
    } = im.auth(&doc["auth"], "the collection");
    let mut scope = Scope {
        auth_vars: Vec::new(),
        headers: auth_headers.clone(),
        query: auth_query,
    };
    if let Some(a) = &auth {
        scope.auth_vars = vars_in(&super::emit::to_string(a));
    }
    let (event_comments, _) = im.event_comments(&doc["event"], "the collection", false);
    let items = im.items(
        doc["item"].as_array().map_or(&[][..], Vec::as_slice),
        &scope,
        "",
    );
    let mut top = MapBuilder::default();
    let _ = source;
    top.comment_next(vec![
        "Imported from Postman by `runner import postman`; review the `# postman` comments.".into(),
    ]);
    top.put(
        "name",
        Y::s(
            doc["info"]["name"]
                .as_str()
                .unwrap_or("Imported collection"),
        ),
    );
    if let Some(d) = description(&doc["info"]["description"]) {
        top.put("description", Y::s(d));
    }
    im.declare_missing();
    if !im.variables.is_empty() {
        top.put("variables", im.variables_yaml());
    }
    top.comment_next(auth_comments);
    top.comment_next(event_comments);
    if !auth_headers.is_empty() {
        top.put("headers", pairs_map(&auth_headers));
    }
    if let Some(a) = auth {
        top.put("auth", a);
    }
    top.put("items", Y::Seq(items));
    Ok((super::emit::to_string(&top.build()), im.report))
}

type Pairs = Vec<(String, String)>;

/// A level's Postman auth in `runner` terms: an `auth:` value, or headers/query parameters
/// (API keys), or comments for what cannot be expressed.
#[derive(Default)]
struct LevelAuth {
    auth: Option<Y>,
    headers: Pairs,
    query: Pairs,
    comments: Vec<String>,
}

/// What a folder hands to its items.
#[derive(Clone, Default)]
struct Scope {
    auth_vars: Vec<String>,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
}

impl Importer {
    fn collect_renames(&mut self, doc: &Value) {
        let text = doc.to_string();
        for c in VAR.captures_iter(&text) {
            let name = c[1].trim();
            if name.starts_with('$') {
                continue;
            }
            let clean = template_name(name);
            if clean != name && !self.renames.contains_key(name) {
                self.report.warnings.push(format!("variable `{name}` renamed to `{clean}` (template names use letters, digits and _)"));
                self.renames.insert(name.to_string(), clean);
            }
        }
    }

    fn name(&self, n: &str) -> String {
        self.renames
            .get(n)
            .cloned()
            .unwrap_or_else(|| n.to_string())
    }

    fn set_var(&mut self, key: &str, value: Value) {
        let key = self.name(key);
        if !self.variables.iter().any(|(k, _)| *k == key) {
            self.variables.push((key, value));
        }
    }

    fn use_var(&mut self, name: &str) {
        self.first_use
            .entry(name.to_string())
            .or_insert(self.request_no);
    }

    /// `{{var}}` → `{{ var }}`, dynamic variables → helpers; records the names used.
    fn template(&mut self, text: &str) -> String {
        let text = text.replace("{%", "{{ '{%' }}").replace("{#", "{{ '{#' }}");
        let mut used = Vec::new();
        let mut warnings = Vec::new();
        let out = VAR
            .replace_all(&text, |c: &regex::Captures<'_>| {
                let name = c[1].trim();
                if name.starts_with('\'') {
                    return c[0].to_string();
                }
                if let Some(dynamic) = name.strip_prefix('$') {
                    return match dynamic {
                        "guid" | "randomUUID" => "{{ uuid() }}".to_string(),
                        "timestamp" => "{{ timestamp() }}".to_string(),
                        "isoTimestamp" => "{{ now('%Y-%m-%dT%H:%M:%SZ') }}".to_string(),
                        "randomInt" => "{{ random_int(0, 1000) }}".to_string(),
                        other => {
                            warnings.push(format!("Postman dynamic variable `{{{{${other}}}}}` has no equivalent; kept as the text `${other}`"));
                            format!("${other}")
                        }
                    };
                }
                let n = self.renames.get(name).cloned().unwrap_or_else(|| name.to_string());
                used.push(n.clone());
                format!("{{{{ {n} }}}}")
            })
            .into_owned();
        for u in used {
            self.use_var(&u);
        }
        for w in warnings {
            if !self.report.warnings.contains(&w) {
                self.report.warnings.push(w);
            }
        }
        out
    }

    /// Templates inside any JSON value.
    fn template_value(&mut self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.template(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.template_value(x)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (k.clone(), self.template_value(x)))
                    .collect(),
            ),
            Value::Null => Value::String(String::new()),
            other => other.clone(),
        }
    }

    /// `variable` (v2.1) or the legacy `variables` (v2.0); disabled ones are dropped.
    fn collection_variables(&mut self, doc: &Value) {
        let vars = doc["variable"]
            .as_array()
            .or_else(|| doc["variables"].as_array())
            .cloned()
            .unwrap_or_default();
        for v in &vars {
            if v["disabled"].as_bool() == Some(true) {
                continue;
            }
            if let Some(k) = v["key"].as_str().or_else(|| v["id"].as_str()) {
                let value = self.template_value(&v["value"]);
                self.set_var(k, value);
            }
        }
    }

    /// The collection's `variables:`; empty ones say how to set them.
    fn variables_yaml(&self) -> Y {
        let entries = self
            .variables
            .iter()
            .map(|(k, v)| Entry {
                comments: if v.as_str() == Some("") {
                    vec![format!(
                        "{k}: empty here; set it with -e ENV or --var {k}=…"
                    )]
                } else {
                    vec![]
                },
                key: k.clone(),
                value: Y::Scalar(v.clone()),
            })
            .collect();
        Y::Map(entries)
    }

    /// Variables used but defined nowhere are declared empty, so the collection validates and
    /// a person sees what to provide.
    fn declare_missing(&mut self) {
        let mut names: Vec<(&String, &usize)> = self.first_use.iter().collect();
        names.sort_by_key(|(n, i)| (**i, (*n).clone()));
        let missing: Vec<String> = names
            .into_iter()
            .filter(|(n, use_at)| {
                !self.variables.iter().any(|(k, _)| k == *n)
                    && self.first_capture.get(*n).is_none_or(|c| c >= use_at)
            })
            .map(|(n, _)| n.clone())
            .collect();
        for n in missing {
            self.variables.push((n, Value::String(String::new())));
        }
    }

    fn items(&mut self, items: &[Value], scope: &Scope, folder: &str) -> Vec<Y> {
        let mut out = Vec::new();
        for item in items {
            let name = item["name"].as_str().unwrap_or("unnamed").to_string();
            let path = if folder.is_empty() {
                name.clone()
            } else {
                format!("{folder} / {name}")
            };
            if item["item"].is_array() {
                out.push(self.folder(item, scope, &path));
            } else {
                out.push(self.request(item, scope, &path));
            }
        }
        out
    }

    fn folder(&mut self, item: &Value, scope: &Scope, path: &str) -> Y {
        self.report.folders += 1;
        let mut m = MapBuilder::default();
        m.put("name", Y::s(item["name"].as_str().unwrap_or("unnamed")));
        if let Some(d) = description(&item["description"]) {
            m.put("description", Y::s(d));
        }
        let (comments, _) = self.event_comments(&item["event"], path, false);
        m.comment_next(comments);
        let mut inner = scope.clone();
        let LevelAuth {
            auth,
            headers,
            query,
            comments: auth_comments,
        } = self.auth(&item["auth"], path);
        m.comment_next(auth_comments);
        if !headers.is_empty() {
            m.put("headers", pairs_map(&headers));
            inner.headers.extend(headers);
        }
        inner.query.extend(query);
        if let Some(a) = auth {
            inner.auth_vars = vars_in(&super::emit::to_string(&a));
            m.put("auth", a);
        }
        let items = self.items(
            item["item"].as_array().map_or(&[][..], Vec::as_slice),
            &inner,
            path,
        );
        m.put("items", Y::Seq(items));
        m.build()
    }

    /// Comments for a level's scripts; with `translate`, test scripts become captures/checks.
    fn event_comments(
        &mut self,
        events: &Value,
        path: &str,
        translate: bool,
    ) -> (Vec<String>, Translated) {
        let mut comments = Vec::new();
        let mut result = Translated::default();
        let mut first: Option<String> = None;
        let mut count = 0;
        for ev in events.as_array().map_or(&[][..], Vec::as_slice) {
            let listen = ev["listen"].as_str().unwrap_or("test");
            let lines = exec_lines(&ev["script"]["exec"]);
            if lines.iter().all(|l| l.trim().is_empty()) {
                continue;
            }
            let kind = if listen == "prerequest" {
                "prerequest"
            } else {
                "test"
            };
            let (kept, untranslated) = if translate && kind == "test" {
                let t = script::translate(&lines, &self.renames);
                let kept = t.kept.clone();
                let n = t.untranslated;
                self.report.translated_lines += t.translated;
                result.captures.extend(t.captures);
                result.checks.extend(t.checks);
                (kept, n)
            } else {
                let code: Vec<String> = lines
                    .iter()
                    .filter(|l| !l.trim().is_empty())
                    .cloned()
                    .collect();
                let n = code.iter().filter(|l| is_code(l)).count();
                (code, n)
            };
            self.report.kept_lines += untranslated;
            count += untranslated;
            for l in kept {
                if first.is_none() && is_code(&l) {
                    first = Some(l.clone());
                }
                comments.push(format!("postman {kind}: {l}"));
            }
        }
        if let Some(f) = first {
            self.report.untranslated.push((path.to_string(), f, count));
        }
        (comments, result)
    }

    fn request(&mut self, item: &Value, scope: &Scope, path: &str) -> Y {
        self.request_no += 1;
        self.report.requests += 1;
        let req = &item["request"];
        let req = if let Some(s) = req.as_str() {
            json!({"url": s, "method": "GET"})
        } else {
            req.clone()
        };
        let mut m = MapBuilder::default();
        m.put("name", Y::s(item["name"].as_str().unwrap_or("unnamed")));
        if let Some(d) =
            description(&req["description"]).or_else(|| description(&item["description"]))
        {
            m.put("description", Y::s(d));
        }
        let (comments, t) = self.event_comments(&item["event"], path, true);
        m.comment_next(comments);
        let method = req["method"].as_str().unwrap_or("GET").to_ascii_uppercase();
        if method != "GET" {
            m.put("method", Y::s(method));
        }
        let (mut url, mut query) = self.url(&req["url"]);
        if url.trim().is_empty() {
            // A draft without a URL: keep it runnable-to-fail, and say so.
            self.report.warnings.push(format!(
                "{path}: the request has no URL; set `url_not_set` or edit the request"
            ));
            url = self.template("{{url_not_set}}");
        }
        m.put("url", Y::s(url));
        let LevelAuth {
            auth,
            headers: auth_headers,
            query: auth_query,
            comments: auth_comments,
        } = self.auth(&req["auth"], path);
        query.extend(scope.query.iter().cloned());
        query.extend(auth_query);
        if !query.is_empty() {
            m.put("query", pairs_map(&query));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        for h in req["header"].as_array().map_or(&[][..], Vec::as_slice) {
            if h["disabled"].as_bool() == Some(true) {
                continue;
            }
            if let (Some(k), Some(v)) = (h["key"].as_str(), h["value"].as_str().or(Some(""))) {
                let k = k.trim();
                if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err() {
                    self.report.warnings.push(format!(
                        "{path}: header `{k}` is not a valid header name; left out"
                    ));
                    continue;
                }
                let v = self.template(v);
                headers.retain(|(n, _)| !n.eq_ignore_ascii_case(k));
                headers.push((k.to_string(), v));
            }
        }
        headers.extend(auth_headers);
        if !headers.is_empty() {
            m.put("headers", pairs_map(&headers));
        }
        m.comment_next(auth_comments);
        if let Some(a) = auth {
            for v in vars_in(&super::emit::to_string(&a)) {
                self.use_var(&v);
            }
            m.put("auth", a);
        } else {
            for v in &scope.auth_vars {
                self.use_var(v);
            }
        }
        self.body(&req["body"], path, &mut m);
        self.checks_and_captures(t, &mut m);
        m.build()
    }

    fn checks_and_captures(&mut self, t: Translated, m: &mut MapBuilder) {
        if !t.captures.is_empty() {
            let entries = t
                .captures
                .iter()
                .map(|(name, cap)| {
                    self.first_capture
                        .entry(name.clone())
                        .or_insert(self.request_no);
                    let value = match cap {
                        Cap::Json(p) => Y::s(p.clone()),
                        Cap::Header(h) => single("header", Y::s(h.clone())),
                        Cap::Status => single("status", Y::Scalar(Value::Bool(true))),
                        Cap::Body => single("body", Y::Scalar(Value::Bool(true))),
                    };
                    Entry {
                        comments: vec![],
                        key: name.clone(),
                        value,
                    }
                })
                .collect::<Vec<_>>();
            self.report.captures += entries.len();
            m.put("capture", Y::Map(entries));
        }
        for c in &t.checks {
            for v in vars_in(&c.value.to_string()) {
                self.use_var(&v);
            }
        }
        if !t.checks.is_empty() {
            self.report.assertions += t.checks.len();
            m.put("expect", expect(&t.checks));
        }
    }

    /// The URL without its query, and the enabled query parameters.
    /// Enabled query parameters: from the `query` list, else from the raw URL's query string.
    fn query(
        &mut self,
        list: Option<Vec<Value>>,
        raw_query: Option<&str>,
    ) -> Vec<(String, String)> {
        let mut query = Vec::new();
        match list {
            Some(list) => {
                for q in list {
                    if q["disabled"].as_bool() == Some(true) {
                        continue;
                    }
                    if let Some(k) = q["key"].as_str() {
                        let v = self.template(q["value"].as_str().unwrap_or(""));
                        query.push((self.template(k), v));
                    }
                }
            }
            None => {
                for pair in raw_query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    let v = self.template(v);
                    query.push((self.template(k), v));
                }
            }
        }
        query
    }

    fn url(&mut self, u: &Value) -> (String, Vec<(String, String)>) {
        let (raw, query_list) = match u {
            Value::String(s) => (s.clone(), None),
            Value::Object(o) => {
                let raw = o
                    .get("raw")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| build_raw(u));
                (raw, o.get("query").and_then(Value::as_array).cloned())
            }
            _ => (String::new(), None),
        };
        let (base, raw_query) = match raw.split_once('?') {
            Some((b, q)) => (b.to_string(), Some(q.to_string())),
            None => (raw.clone(), None),
        };
        let query = self.query(query_list, raw_query.as_deref());
        // Path variables `:id` become template variables with their example values.
        let vars: HashMap<String, Value> = u["variable"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| Some((v["key"].as_str()?.to_string(), v["value"].clone())))
                    .collect()
            })
            .unwrap_or_default();
        let mut path_vars = Vec::new();
        let base = PATH_VAR
            .replace_all(&base, |c: &regex::Captures<'_>| {
                let name = c[2].to_string();
                path_vars.push(name.clone());
                format!("{}{{{{{name}}}}}", &c[1])
            })
            .into_owned();
        for name in path_vars {
            let clean = self.name(&name);
            let value = vars
                .get(&name)
                .cloned()
                .unwrap_or(Value::String(String::new()));
            let value = self.template_value(&value);
            if !self.variables.iter().any(|(k, _)| *k == clean) {
                self.report.warnings.push(format!(
                    "path variable `:{name}` became the variable `{clean}`"
                ));
            }
            self.set_var(&name, value);
        }
        // Postman sends scheme-less URLs (`localhost:4041/x`) over http.
        let base = if !base.contains("://")
            && !base.trim_start().starts_with("{{")
            && !base.trim().is_empty()
        {
            self.report.warnings.push(format!(
                "`{base}` has no scheme; http:// was added, as Postman does"
            ));
            format!("http://{base}")
        } else {
            base
        };
        (self.template(&base), query)
    }

    /// `(auth for this level, headers to add, query to add, comments)`.
    fn auth(&mut self, a: &Value, path: &str) -> LevelAuth {
        let Some(kind) = a["type"].as_str() else {
            return LevelAuth::default();
        };
        let get = |key: &str| -> Option<String> {
            let section = &a[kind];
            if let Some(arr) = section.as_array() {
                arr.iter()
                    .find(|e| e["key"].as_str() == Some(key))
                    .and_then(|e| e["value"].as_str().map(str::to_string))
            } else {
                section[key].as_str().map(str::to_string)
            }
        };
        match kind {
            "noauth" => LevelAuth {
                auth: Some(Y::s("none")),
                ..LevelAuth::default()
            },
            "inherit" => LevelAuth::default(),
            "bearer" => {
                let token = self.template(&get("token").unwrap_or_default());
                LevelAuth {
                    auth: Some(single("bearer", Y::s(token))),
                    ..LevelAuth::default()
                }
            }
            "basic" => {
                let u = self.template(&get("username").unwrap_or_default());
                let p = self.template(&get("password").unwrap_or_default());
                let mut b = MapBuilder::default();
                b.put("username", Y::s(u)).put("password", Y::s(p));
                LevelAuth {
                    auth: Some(single("basic", b.build())),
                    ..LevelAuth::default()
                }
            }
            "apikey" => {
                let key = get("key").unwrap_or_else(|| "X-API-Key".into());
                let value = self.template(&get("value").unwrap_or_default());
                if get("in").as_deref() == Some("query") {
                    LevelAuth {
                        query: vec![(key, value)],
                        ..LevelAuth::default()
                    }
                } else {
                    LevelAuth {
                        headers: vec![(key, value)],
                        ..LevelAuth::default()
                    }
                }
            }
            other => {
                self.report.warnings.push(format!("{path}: `{other}` auth is not supported; kept as a comment (set the Authorization header yourself)"));
                let json = serde_json::to_string(a).unwrap_or_default();
                LevelAuth {
                    comments: vec![format!("postman auth ({other}, not translated): {json}")],
                    ..LevelAuth::default()
                }
            }
        }
    }

    fn body(&mut self, b: &Value, path: &str, m: &mut MapBuilder) {
        if b["disabled"].as_bool() == Some(true) {
            m.comment_next(vec!["postman body: disabled in Postman, not sent".into()]);
            return;
        }
        match b["mode"].as_str() {
            Some("raw") => {
                let raw = b["raw"].as_str().unwrap_or("");
                if raw.trim().is_empty() {
                    return;
                }
                match serde_json::from_str::<Value>(raw) {
                    Ok(v) if v.is_object() || v.is_array() => {
                        let v = self.template_value(&v);
                        m.put("json", y_from(&v));
                    }
                    _ => {
                        let t = self.template(raw);
                        m.put("body", Y::s(t));
                    }
                }
            }
            Some("urlencoded") | Some("formdata") => {
                let mode = b["mode"].as_str().unwrap_or("");
                let mut fields = Vec::new();
                for f in b[mode].as_array().map_or(&[][..], Vec::as_slice) {
                    if f["disabled"].as_bool() == Some(true) {
                        continue;
                    }
                    let Some(k) = f["key"].as_str() else { continue };
                    if f["type"].as_str() == Some("file") {
                        self.report.warnings.push(format!("{path}: file field `{k}` of a form-data body is not supported; left out"));
                        m.comment_next(vec![format!(
                            "postman body: file field `{k}` ({}) not sent",
                            f["src"]
                        )]);
                        continue;
                    }
                    let v = self.template(f["value"].as_str().unwrap_or(""));
                    fields.push((k.to_string(), v));
                }
                if mode == "formdata" {
                    self.report
                        .warnings
                        .push(format!("{path}: form-data body is sent url-encoded"));
                }
                if !fields.is_empty() {
                    m.put("form", pairs_map(&fields));
                }
            }
            Some("graphql") => {
                let g = &b["graphql"];
                let query = self.template(g["query"].as_str().unwrap_or(""));
                let variables = match &g["variables"] {
                    Value::String(s) if !s.trim().is_empty() => {
                        serde_json::from_str(s).unwrap_or(Value::String(s.clone()))
                    }
                    Value::Object(o) => Value::Object(o.clone()),
                    _ => json!({}),
                };
                let variables = self.template_value(&variables);
                let mut j = MapBuilder::default();
                j.put("query", Y::s(query))
                    .put("variables", y_from(&variables));
                m.put("json", j.build());
            }
            Some(other) => {
                self.report
                    .warnings
                    .push(format!("{path}: `{other}` body is not supported; left out"));
                m.comment_next(vec![format!("postman body ({other}, not translated)")]);
            }
            None => {}
        }
    }
}

/// A Postman variable name as a template name: other characters become `_`, and a leading
/// digit gets a `_` in front (`Auth-Token` → `Auth_Token`).
fn template_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() || clean.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{clean}")
    } else {
        clean
    }
}

fn is_code(l: &str) -> bool {
    let t = l.trim();
    !(t.is_empty() || t.starts_with("//") || matches!(t, "}" | "})" | "});" | "{"))
}

fn exec_lines(exec: &Value) -> Vec<String> {
    match exec {
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .flat_map(|s| s.split('\n'))
            .map(|s| s.trim_end_matches('\r').to_string())
            .collect(),
        Value::String(s) => s
            .split('\n')
            .map(|s| s.trim_end_matches('\r').to_string())
            .collect(),
        _ => vec![],
    }
}

fn description(d: &Value) -> Option<String> {
    let text = match d {
        Value::String(s) => s.clone(),
        Value::Object(o) => o.get("content").and_then(Value::as_str)?.to_string(),
        _ => return None,
    };
    let t = text.replace("\r\n", "\n").trim_end().to_string();
    (!t.is_empty()).then_some(t)
}

fn build_raw(u: &Value) -> String {
    let host = match &u["host"] {
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("."),
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let path = match &u["path"] {
        Value::Array(a) => a
            .iter()
            .filter_map(|p| {
                p.as_str()
                    .map(str::to_string)
                    .or_else(|| p["value"].as_str().map(str::to_string))
            })
            .collect::<Vec<_>>()
            .join("/"),
        Value::String(s) => s.trim_start_matches('/').to_string(),
        _ => String::new(),
    };
    let proto = u["protocol"]
        .as_str()
        .map(|p| format!("{p}://"))
        .unwrap_or_default();
    let port = u["port"]
        .as_str()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    if path.is_empty() {
        format!("{proto}{host}{port}")
    } else {
        format!("{proto}{host}{port}/{path}")
    }
}

fn single(key: &str, value: Y) -> Y {
    Y::Map(vec![Entry {
        comments: vec![],
        key: key.into(),
        value,
    }])
}

/// Pairs as a mapping; a repeated key becomes a list.
fn pairs_map(pairs: &[(String, String)]) -> Y {
    let mut entries: Vec<Entry> = Vec::new();
    for (k, v) in pairs {
        if let Some(e) = entries.iter_mut().find(|e| e.key == *k) {
            match &mut e.value {
                Y::Seq(items) => items.push(Y::s(v.clone())),
                other => *other = Y::Seq(vec![other.clone(), Y::s(v.clone())]),
            }
        } else {
            entries.push(Entry {
                comments: vec![],
                key: k.clone(),
                value: Y::s(v.clone()),
            });
        }
    }
    Y::Map(entries)
}

/// A JSON value as YAML.
pub fn y_from(v: &Value) -> Y {
    match v {
        Value::Array(a) => Y::Seq(a.iter().map(y_from).collect()),
        Value::Object(o) => Y::Map(
            o.iter()
                .map(|(k, x)| Entry {
                    comments: vec![],
                    key: k.clone(),
                    value: y_from(x),
                })
                .collect(),
        ),
        other => Y::Scalar(other.clone()),
    }
}

fn vars_in(text: &str) -> Vec<String> {
    VAR.captures_iter(text)
        .map(|c| c[1].trim().to_string())
        .filter(|n| !n.contains('(') && !n.starts_with('\''))
        .collect()
}

/// Assertions grouped into an `expect:` mapping.
fn expect(checks: &[Check]) -> Y {
    type Ops = Vec<(&'static str, Value)>;
    let mut sections: Vec<(&'static str, Vec<(String, Ops)>)> = Vec::new();
    for c in checks {
        let idx = match sections.iter().position(|(s, _)| *s == c.section) {
            Some(i) => i,
            None => {
                sections.push((c.section, Vec::new()));
                sections.len() - 1
            }
        };
        let keys = &mut sections[idx].1;
        let kidx = match keys.iter().position(|(k, _)| *k == c.key) {
            Some(i) => i,
            None => {
                keys.push((c.key.clone(), Vec::new()));
                keys.len() - 1
            }
        };
        let ops = &mut keys[kidx].1;
        let value = if c.section == "duration" {
            Value::String(format!("{}ms", c.value))
        } else {
            c.value.clone()
        };
        ops.retain(|(o, _)| *o != c.op);
        ops.push((c.op, value));
    }
    let mut out = Vec::new();
    for (section, keys) in sections {
        let value = match section {
            "status" | "body" | "duration" => matcher(section, &keys[0].1),
            _ => Y::Map(
                keys.iter()
                    .map(|(k, ops)| Entry {
                        comments: vec![],
                        key: k.clone(),
                        value: matcher(section, ops),
                    })
                    .collect(),
            ),
        };
        out.push(Entry {
            comments: vec![],
            key: section.to_string(),
            value,
        });
    }
    Y::Map(out)
}

fn matcher(section: &str, ops: &[(&'static str, Value)]) -> Y {
    if ops.len() == 1 {
        let (op, v) = &ops[0];
        match (*op, section) {
            ("equals", _) if !v.is_object() && !v.is_array() => return y_from(v),
            ("class", "status") => return y_from(v),
            ("one_of", "status") => return y_from(v),
            _ => {}
        }
    }
    Y::Map(
        ops.iter()
            .filter(|(op, _)| *op != "class")
            .map(|(op, v)| Entry {
                comments: vec![],
                key: op.to_string(),
                value: y_from(v),
            })
            .collect(),
    )
}

/// A Postman environment → an environment file.
pub fn environment(doc: &Value, source: &str) -> Result<(String, Report), String> {
    let values = doc["values"]
        .as_array()
        .ok_or("not a Postman environment: expected `values`")?;
    let mut report = Report::default();
    let mut vars = Vec::new();
    let mut secrets = Vec::new();
    for v in values {
        if v["enabled"].as_bool() == Some(false) {
            continue;
        }
        let Some(key) = v["key"].as_str() else {
            continue;
        };
        let clean = template_name(key);
        if clean != key {
            report
                .warnings
                .push(format!("variable `{key}` renamed to `{clean}`"));
        }
        let value = v["value"].clone();
        let value = match value {
            Value::String(s) => Value::String(
                VAR.replace_all(&s, |c: &regex::Captures<'_>| {
                    format!("{{{{ {} }}}}", c[1].trim())
                })
                .into_owned(),
            ),
            Value::Null => Value::String(String::new()),
            other => other,
        };
        if v["type"].as_str() == Some("secret") {
            secrets.push(Y::s(clean.clone()));
        }
        vars.push(Entry {
            comments: vec![],
            key: clean,
            value: y_from(&value),
        });
    }
    let mut m = MapBuilder::default();
    m.comment_next(vec![
        format!("Imported from a Postman environment ({source}) by `runner import postman-env`."),
        "Secrets belong in the process environment: write them as \"{{ env('NAME') }}\".".into(),
    ]);
    m.put("name", Y::s(doc["name"].as_str().unwrap_or("imported")));
    m.put("variables", Y::Map(vars));
    if !secrets.is_empty() {
        m.put("secrets", Y::Seq(secrets));
    }
    Ok((super::emit::to_string(&m.build()), report))
}
