//! The embedded webCRM simulator (placeholder until issue 3 lands).

use crate::cli::{MockArgs, SimArgs};
use crate::error::Error;

/// A running simulator.
pub struct Running {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The application token it accepts.
    pub app_token: String,
}

/// Starts the simulator on 127.0.0.1:0 in the background.
pub async fn start_background(_args: &SimArgs) -> Result<Running, Error> {
    Err(Error::Server("the simulator is not built yet".into()))
}

/// Serves until interrupted.
pub async fn serve_forever(_args: &MockArgs) -> Result<(), Error> {
    Err(Error::Server("the simulator is not built yet".into()))
}
