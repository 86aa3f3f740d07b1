//! Reporters: the only code that writes a run's output. Each consumes the event stream.

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
        for r in &mut self.reporters {
            r.finish()?;
        }
        Ok(())
    }
}
