//! Render: a [`Request`] and the run's variables → a [`Prepared`] request ready to send
//! (URL with query, headers with inherited auth, body with its content type).

use base64::Engine as _;
use serde_json::Value;

use crate::http::Prepared;
use crate::model::{Auth, Body, Request};
use crate::scope::Resolver;
use crate::source::Diagnostic;
use crate::template::{RenderError, Tpl};

type Headers = Vec<(String, String)>;

/// Renders a request; `Ok(None)` when `when` says skip (checked only with `check_when`).
pub fn prepare(
    req: &Request,
    r: &Resolver<'_>,
    check_when: bool,
) -> Result<Option<Prepared>, RenderError> {
    if check_when {
        for w in &req.when {
            if !truthy(&r.render(w)?) {
                return Ok(None);
            }
        }
    }
    let url = url(req, r)?;
    let mut headers = headers(req, r)?;
    if !has(&headers, "authorization") {
        auth(&req.auth, r, &mut headers)?;
    }
    let (body, content_type) = body(req.body.as_ref(), r)?;
    if let Some(ct) = content_type
        && !has(&headers, "content-type")
    {
        headers.push(("Content-Type".into(), ct.into()));
    }
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    Ok(Some(Prepared {
        method,
        url,
        headers,
        body,
        timeout: req.timeout,
    }))
}

fn url(req: &Request, r: &Resolver<'_>) -> Result<reqwest::Url, RenderError> {
    let text = r.render_string(&req.url)?;
    let mut url = reqwest::Url::parse(text.trim()).map_err(|e| {
        bad(
            req,
            format!("invalid URL {text:?}: {e}"),
            "use an absolute URL such as https://api.example.com/path",
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(
            req,
            format!("unsupported URL scheme `{}`", url.scheme()),
            "use http:// or https://",
        ));
    }
    if !req.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, t) in &req.query {
            pairs.append_pair(k, &r.render_string(t)?);
        }
    }
    Ok(url)
}

fn headers(req: &Request, r: &Resolver<'_>) -> Result<Headers, RenderError> {
    let mut out = Vec::with_capacity(req.headers.len() + 2);
    for (k, t) in &req.headers {
        let v = r.render_string(t)?;
        if reqwest::header::HeaderValue::from_str(&v).is_err() {
            return Err(bad(
                req,
                format!(
                    "header `{k}` has a value that cannot be sent (control characters or line breaks)"
                ),
                "remove line breaks and control characters from the header value",
            ));
        }
        out.push((k.clone(), v));
    }
    Ok(out)
}

fn auth(auth: &Auth, r: &Resolver<'_>, headers: &mut Headers) -> Result<(), RenderError> {
    match auth {
        Auth::None => {}
        Auth::Bearer(t) => headers.push((
            "Authorization".into(),
            format!("Bearer {}", r.render_string(t)?),
        )),
        Auth::Basic { username, password } => {
            let raw = format!(
                "{}:{}",
                r.render_string(username)?,
                r.render_string(password)?
            );
            let enc = base64::engine::general_purpose::STANDARD.encode(raw);
            headers.push(("Authorization".into(), format!("Basic {enc}")));
        }
    }
    Ok(())
}

fn body(
    body: Option<&Body>,
    r: &Resolver<'_>,
) -> Result<(Option<Vec<u8>>, Option<&'static str>), RenderError> {
    Ok(match body {
        None => (None, None),
        Some(Body::Json(t)) => {
            let v = r.render(t)?;
            (
                Some(serde_json::to_vec(&v).unwrap_or_default()),
                Some("application/json"),
            )
        }
        Some(Body::Form(fields)) => {
            let mut s = url::form_urlencoded::Serializer::new(String::new());
            for (k, t) in fields {
                s.append_pair(k, &r.render_string(t)?);
            }
            (
                Some(s.finish().into_bytes()),
                Some("application/x-www-form-urlencoded"),
            )
        }
        Some(Body::Raw(t)) => (
            Some(r.render_string(t)?.into_bytes()),
            Some("text/plain; charset=utf-8"),
        ),
    })
}

fn has(h: &Headers, name: &str) -> bool {
    h.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
}

fn bad(req: &Request, message: String, help: &str) -> RenderError {
    let loc = match &req.url {
        Tpl::Str(s) | Tpl::Native(s) => s.loc.clone(),
        _ => req.loc.clone(),
    };
    let d = Diagnostic::new(&loc.file, loc.span, message, "in this request").with_help(help);
    RenderError {
        diagnostic: Box::new(d),
        undefined: vec![],
        undefined_value: false,
    }
}

/// `when:` truth: false, null, 0, "", "false", and empty lists and maps are false.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty() && s != "false",
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}
