//! redfile: check, repair, inspect and convert Redis and Valkey persistence
//! files offline.

pub mod aof;
pub mod fsutil;
pub mod model;
pub mod rdb;
