//! redfile: check, repair, inspect and convert Redis and Valkey persistence
//! files offline.

pub mod aof;
pub mod check;
pub mod codec;
pub mod engine;
pub mod fsutil;
pub mod input;
pub mod load;
pub mod model;
pub mod rdb;
