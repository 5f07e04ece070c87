//! redfile: check, repair, inspect and convert Redis and Valkey persistence
//! files offline.

pub mod model;
pub mod rdb;
