//! Variable scopes of one run, and the resolver that renders a request's templates.
//!
//! Precedence, lowest first: collection variables, folder variables, environment, `--var`,
//! captures. Variable values are templates themselves and are rendered when used (so
//! `base_url: "http://127.0.0.1:{{ port }}"` picks up `--var port=…`); a cycle is an error
//! naming the variables. Each resolver memoises within one request.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use serde_json::Value;

use crate::model::Vars;
use crate::source::Diagnostic;
use crate::template::{self, RenderError, Templates, Tpl};

/// The layers a name is looked up in, highest precedence first.
pub struct Layers<'a> {
    /// Captured values (typed JSON, not templates).
    pub captures: &'a IndexMap<String, Value>,
    /// `--var` values (literal strings).
    pub cli: &'a IndexMap<String, Value>,
    /// Environment file variables.
    pub env: &'a Vars,
    /// Collection and folder variables of the request.
    pub local: &'a Vars,
}

/// Renders templates against the layers, resolving variables on demand.
pub struct Resolver<'a> {
    templates: &'a Templates,
    layers: Layers<'a>,
    extra: Vec<(String, Value)>,
    memo: RefCell<HashMap<String, Option<Value>>>,
}

impl<'a> Resolver<'a> {
    /// A resolver for one request.
    pub fn new(templates: &'a Templates, layers: Layers<'a>) -> Self {
        Self {
            templates,
            layers,
            extra: Vec::new(),
            memo: RefCell::new(HashMap::new()),
        }
    }

    /// Adds a name that shadows every layer (`response` in capture expressions).
    pub fn with(mut self, name: &str, value: Value) -> Self {
        self.extra.push((name.to_string(), value));
        self
    }

    /// Renders to a JSON value.
    pub fn render(&self, t: &Tpl) -> Result<Value, RenderError> {
        if let Tpl::Lit(v) = t {
            return Ok(v.clone());
        }
        let mut names = Vec::new();
        template::vars_of(t, &mut names);
        let (ctx, missing) = self.context(&names, &mut Vec::new())?;
        self.templates.render(t, &ctx).map_err(|mut e| {
            if e.diagnostic.message.starts_with("undefined") && !missing.is_empty() {
                e.diagnostic.message = format!("undefined variable `{}`", missing.join("`, `"));
                e.diagnostic.label = "used here".into();
                e.diagnostic.help = Some(
                    "define it in `variables`, an environment file (-e), with --var, or capture it in an earlier request".into(),
                );
                e.undefined = missing;
            }
            e
        })
    }

    /// Renders to text.
    pub fn render_string(&self, t: &Tpl) -> Result<String, RenderError> {
        Ok(template::value_to_text(self.render(t)?))
    }

    /// Every variable resolved so far with its value (for secret masking).
    pub fn resolved(&self) -> Vec<(String, Value)> {
        self.memo
            .borrow()
            .iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
            .collect()
    }

    fn context(
        &self,
        names: &[String],
        stack: &mut Vec<String>,
    ) -> Result<(minijinja::Value, Vec<String>), RenderError> {
        let mut map = BTreeMap::new();
        let mut missing = Vec::new();
        for name in names {
            match self.resolve(name, stack)? {
                Some(v) => {
                    map.insert(name.clone(), v);
                }
                None => missing.push(name.clone()),
            }
        }
        Ok((template::context(map), missing))
    }

    /// Looks a name up through the layers; `None` when it is defined nowhere.
    pub fn resolve(
        &self,
        name: &str,
        stack: &mut Vec<String>,
    ) -> Result<Option<Value>, RenderError> {
        if let Some((_, v)) = self.extra.iter().find(|(k, _)| k == name) {
            return Ok(Some(v.clone()));
        }
        if let Some(v) = self.memo.borrow().get(name) {
            return Ok(v.clone());
        }
        let value = if let Some(v) = self.layers.captures.get(name) {
            Some(v.clone())
        } else if let Some(v) = self.layers.cli.get(name) {
            Some(v.clone())
        } else if let Some(t) = self
            .layers
            .env
            .get(name)
            .or_else(|| self.layers.local.get(name))
        {
            Some(self.render_var(name, t, stack)?)
        } else {
            None
        };
        self.memo
            .borrow_mut()
            .insert(name.to_string(), value.clone());
        Ok(value)
    }

    fn render_var(
        &self,
        name: &str,
        t: &Tpl,
        stack: &mut Vec<String>,
    ) -> Result<Value, RenderError> {
        if let Tpl::Lit(v) = t {
            return Ok(v.clone());
        }
        if let Some(pos) = stack.iter().position(|n| n == name) {
            let mut cycle: Vec<String> = stack[pos..].to_vec();
            cycle.push(name.to_string());
            let mut sources = Vec::new();
            template::sources_of(t, &mut sources);
            let src = sources[0];
            let d = Diagnostic::new(
                &src.loc.file,
                src.loc.span,
                format!(
                    "variables refer to each other in a cycle: {}",
                    cycle.join(" → ")
                ),
                "part of the cycle",
            )
            .with_help("break the cycle by giving one of them a plain value");
            return Err(RenderError {
                diagnostic: Box::new(d),
                undefined: vec![],
            });
        }
        stack.push(name.to_string());
        let mut names = Vec::new();
        template::vars_of(t, &mut names);
        let result = self.context(&names, stack).and_then(|(ctx, missing)| {
            self.templates.render(t, &ctx).map_err(|mut e| {
                if !missing.is_empty() && e.diagnostic.message.starts_with("undefined") {
                    e.diagnostic.message = format!(
                        "undefined variable `{}` (in variable `{name}`)",
                        missing.join("`, `")
                    );
                    e.undefined = missing;
                }
                e
            })
        });
        stack.pop();
        result
    }
}
