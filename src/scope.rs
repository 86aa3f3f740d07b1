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
use crate::template::{self, RenderError, Source, Templates, Tpl};

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
        self.render_in(t, &mut Vec::new())
    }

    fn render_in(&self, t: &Tpl, stack: &mut Vec<String>) -> Result<Value, RenderError> {
        match t {
            Tpl::Lit(v) => Ok(v.clone()),
            Tpl::Str(src) => self.leaf(src, false, stack),
            Tpl::Native(src) => self.leaf(src, true, stack),
            Tpl::Arr(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.render_in(i, stack)?);
                }
                Ok(Value::Array(out))
            }
            Tpl::Obj(entries) => {
                let mut map = serde_json::Map::with_capacity(entries.len());
                for (k, v) in entries {
                    map.insert(k.clone(), self.render_in(v, stack)?);
                }
                Ok(Value::Object(map))
            }
        }
    }

    /// One template: by substitution when it only names variables of simple types (no
    /// minijinja on the hot path), else through minijinja with exactly the variables it reads.
    fn leaf(
        &self,
        src: &Source,
        native: bool,
        stack: &mut Vec<String>,
    ) -> Result<Value, RenderError> {
        if let Some(parts) = &src.fast {
            let mut lookup = |n: &str| self.resolve(n, stack).ok().flatten();
            if let Some(v) = template::render_fast(parts, native, &mut lookup) {
                return Ok(v);
            }
        }
        let (ctx, missing) = self.context(&src.vars, stack)?;
        self.templates.render_leaf(src, native, &ctx).map_err(|mut e| {
            if e.undefined_value && !missing.is_empty() {
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
                undefined_value: false,
            });
        }
        stack.push(name.to_string());
        let result = self.render_in(t, stack).map_err(|mut e| {
            if !e.undefined.is_empty() && !e.diagnostic.message.contains("(in variable") {
                e.diagnostic.message = format!("{} (in variable `{name}`)", e.diagnostic.message);
            }
            e
        });
        stack.pop();
        result
    }
}
