//! Tests of `redfile mutate`.
