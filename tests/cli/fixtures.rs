//! Tests of `redfile fixtures`.
