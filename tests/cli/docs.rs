//! Tests of `redfile docs`.
