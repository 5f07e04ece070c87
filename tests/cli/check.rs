//! Tests of `redfile check`.
