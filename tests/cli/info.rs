//! Tests of `redfile info`.
