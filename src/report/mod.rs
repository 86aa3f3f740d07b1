//! Reporters: the only code that writes a run's output. Each consumes the event stream; the
//! runner does not change per format.

pub mod collect;
pub mod curl;
pub mod html;
pub mod json;
pub mod junit;
pub mod terminal;

use crate::event::Event;

/// Consumes the events of a run.
pub trait Reporter {
    /// Handles one event.
    fn report(&mut self, event: &Event);
    /// Called once after the last run; writes what was buffered.
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Forwards every event to each selected reporter.
#[derive(Default)]
pub struct FanOut {
    /// The reporters.
    pub reporters: Vec<Box<dyn Reporter>>,
}

impl Reporter for FanOut {
    fn report(&mut self, event: &Event) {
        for r in &mut self.reporters {
            r.report(event);
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        let mut first_error = Ok(());
        for r in &mut self.reporters {
            if let Err(e) = r.finish()
                && first_error.is_ok()
            {
                first_error = Err(e);
            }
        }
        first_error
    }
}

/// A file report format by name.
pub fn format(name: &str) -> Option<(Box<dyn collect::Format>, &'static str)> {
    Some(match name {
        "junit" => (Box::new(junit::Junit), "runner-report.xml"),
        "json" => (Box::new(json::Json), "runner-report.json"),
        "html" => (Box::new(html::Html), "runner-report.html"),
        _ => return None,
    })
}
