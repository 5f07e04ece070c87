//! redfile: check, repair, inspect and convert Redis and Valkey persistence
//! files offline.

pub mod codec;
pub mod model;
pub mod rdb;
pub mod check;
pub mod input;
