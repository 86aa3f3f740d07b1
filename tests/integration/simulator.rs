//! The webCRM simulator (issue 3).
