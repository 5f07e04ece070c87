//! Geo searches (`geo.c`, `geohash.c`, `geohash_helper.c`): `GEORADIUS`,
//! `GEORADIUSBYMEMBER` (with or without `STORE`/`STOREDIST`) and
//! `GEOSEARCHSTORE`. `GEOADD` and the 52-bit score encoding live in
//! [`super::zsets`].
//!
//! The search is Redis's: the centre's geohash cell at a step estimated
//! from the radius, its eight neighbours (some dropped when the search
//! area cannot reach them), each scanned as a score range of the sorted
//! set, every candidate decoded to its cell centre and kept when its
//! haversine distance (earth radius 6372797.560856 m) is within the
//! radius, or the point within the box. `f64::sin`/`cos`/`asin`/`sqrt` are
//! the platform libm's, as in Redis, so distances match bit for bit on
//! the same libm.
//!
//! Difference from Redis: results are sorted stably by distance; when
//! `COUNT` cuts a sorted result Redis uses an unstable partial quicksort,
//! so members at exactly the same distance around the cut may differ.

use super::args::{eq_ic, parse_f64, parse_i64, Args};
use super::error::{EngineError, EngineResult};
use super::store::{Obj, ZKey, ZSet};
use super::zsets::{spread, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, GEO_STEP};
use super::{Engine, Reply};

/// Redis's earth radius (`EARTH_RADIUS_IN_METERS`).
pub(crate) const EARTH_RADIUS_IN_METERS: f64 = 6372797.560856;
const MERCATOR_MAX: f64 = 20037726.37;
const D_R: f64 = std::f64::consts::PI / 180.0;

fn deg_rad(a: f64) -> f64 {
    a * D_R
}

fn rad_deg(a: f64) -> f64 {
    a / D_R
}

/// A geohash cell: `step` bits per coordinate, interleaved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Bits {
    bits: u64,
    step: u32,
}

impl Bits {
    /// `HASHISZERO`: a neighbour excluded from the search.
    fn is_zero(self) -> bool {
        self.bits == 0 && self.step == 0
    }
}

/// A cell's bounds.
#[derive(Debug, Clone, Copy, Default)]
struct Area {
    lat_min: f64,
    lat_max: f64,
    lon_min: f64,
    lon_max: f64,
}

/// Collects the even bits of `x` into a u32 (inverse of `spread`).
fn squash(x: u64) -> u32 {
    let mut v = x & 0x5555_5555_5555_5555;
    v = (v | (v >> 1)) & 0x3333_3333_3333_3333;
    v = (v | (v >> 2)) & 0x0F0F_0F0F_0F0F_0F0F;
    v = (v | (v >> 4)) & 0x00FF_00FF_00FF_00FF;
    v = (v | (v >> 8)) & 0x0000_FFFF_0000_FFFF;
    v = (v | (v >> 16)) & 0x0000_0000_FFFF_FFFF;
    v as u32
}

/// `geohashEncode` over the WGS84 ranges; `None` out of range.
fn encode(lon: f64, lat: f64, step: u32) -> Option<Bits> {
    if !(1..=32).contains(&step)
        || !(GEO_LONG_MIN..=GEO_LONG_MAX).contains(&lon)
        || !(GEO_LAT_MIN..=GEO_LAT_MAX).contains(&lat)
    {
        return None;
    }
    let scale = (1u64 << step) as f64;
    let lat_off = (lat - GEO_LAT_MIN) / (GEO_LAT_MAX - GEO_LAT_MIN) * scale;
    let lon_off = (lon - GEO_LONG_MIN) / (GEO_LONG_MAX - GEO_LONG_MIN) * scale;
    Some(Bits {
        bits: spread(lat_off as u32) | (spread(lon_off as u32) << 1),
        step,
    })
}

/// `geohashDecode` over the WGS84 ranges.
fn decode(h: Bits) -> Area {
    let lat_i = squash(h.bits);
    let lon_i = squash(h.bits >> 1);
    let div = (1u64 << h.step) as f64;
    let lat_scale = GEO_LAT_MAX - GEO_LAT_MIN;
    let lon_scale = GEO_LONG_MAX - GEO_LONG_MIN;
    Area {
        lat_min: GEO_LAT_MIN + (f64::from(lat_i) / div) * lat_scale,
        lat_max: GEO_LAT_MIN + ((f64::from(lat_i) + 1.0) / div) * lat_scale,
        lon_min: GEO_LONG_MIN + (f64::from(lon_i) / div) * lon_scale,
        lon_max: GEO_LONG_MIN + ((f64::from(lon_i) + 1.0) / div) * lon_scale,
    }
}

/// `decodeGeohash`: a score's cell centre, clamped to the valid ranges.
pub(crate) fn decode_score(score: f64) -> (f64, f64) {
    let a = decode(Bits {
        bits: score as u64,
        step: GEO_STEP,
    });
    let lon = ((a.lon_min + a.lon_max) / 2.0).clamp(GEO_LONG_MIN, GEO_LONG_MAX);
    let lat = ((a.lat_min + a.lat_max) / 2.0).clamp(GEO_LAT_MIN, GEO_LAT_MAX);
    (lon, lat)
}

fn move_x(h: &mut Bits, d: i8) {
    if d == 0 {
        return;
    }
    let mut x = h.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let y = h.bits & 0x5555_5555_5555_5555;
    let zz = 0x5555_5555_5555_5555u64 >> (64 - h.step * 2);
    if d > 0 {
        x = x.wrapping_add(zz + 1);
    } else {
        x |= zz;
        x = x.wrapping_sub(zz + 1);
    }
    x &= 0xaaaa_aaaa_aaaa_aaaau64 >> (64 - h.step * 2);
    h.bits = x | y;
}

fn move_y(h: &mut Bits, d: i8) {
    if d == 0 {
        return;
    }
    let x = h.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let mut y = h.bits & 0x5555_5555_5555_5555;
    let zz = 0xaaaa_aaaa_aaaa_aaaau64 >> (64 - h.step * 2);
    if d > 0 {
        y = y.wrapping_add(zz + 1);
    } else {
        y |= zz;
        y = y.wrapping_sub(zz + 1);
    }
    y &= 0x5555_5555_5555_5555u64 >> (64 - h.step * 2);
    h.bits = x | y;
}

/// The nine cells of a search, in Redis's scan order: centre, north,
/// south, east, west, north-east, north-west, south-east, south-west.
fn neighbours(h: Bits) -> [Bits; 9] {
    let m = |dx: i8, dy: i8| {
        let mut n = h;
        move_x(&mut n, dx);
        move_y(&mut n, dy);
        n
    };
    [
        h,
        m(0, 1),
        m(0, -1),
        m(1, 0),
        m(-1, 0),
        m(1, 1),
        m(-1, 1),
        m(1, -1),
        m(-1, -1),
    ]
}

/// `geohashEstimateStepsByRadius`.
fn estimate_steps(range_m: f64, lat: f64) -> u32 {
    if range_m == 0.0 {
        return 26;
    }
    let mut range_m = range_m;
    let mut step: i32 = 1;
    while range_m < MERCATOR_MAX {
        range_m *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u32
}

/// The search area.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// `BYRADIUS` (unconverted radius).
    Radius(f64),
    /// `BYBOX` (unconverted width, height).
    Box(f64, f64),
}

#[derive(Debug, Clone, Copy)]
struct Search {
    lon: f64,
    lat: f64,
    shape: Shape,
    /// Metres per unit.
    conversion: f64,
}

impl Search {
    /// `geohashBoundingBox`: min lon, min lat, max lon, max lat.
    fn bounds(&self) -> [f64; 4] {
        let (h, w) = match self.shape {
            Shape::Radius(r) => (self.conversion * r, self.conversion * r),
            Shape::Box(w, h) => (self.conversion * (h / 2.0), self.conversion * (w / 2.0)),
        };
        let lat_delta = rad_deg(h / EARTH_RADIUS_IN_METERS);
        let top = rad_deg(w / EARTH_RADIUS_IN_METERS / deg_rad(self.lat + lat_delta).cos());
        let bottom = rad_deg(w / EARTH_RADIUS_IN_METERS / deg_rad(self.lat - lat_delta).cos());
        let d = if self.lat < 0.0 { bottom } else { top };
        [
            self.lon - d,
            self.lat - lat_delta,
            self.lon + d,
            self.lat + lat_delta,
        ]
    }

    /// `geohashCalculateAreasByShapeWGS84`: the cells to scan (zero ones
    /// skipped).
    fn cells(&self) -> [Bits; 9] {
        let [min_lon, min_lat, max_lon, max_lat] = self.bounds();
        let radius_m = match self.shape {
            Shape::Radius(r) => r,
            Shape::Box(w, h) => ((w / 2.0) * (w / 2.0) + (h / 2.0) * (h / 2.0)).sqrt(),
        } * self.conversion;
        let mut steps = estimate_steps(radius_m, self.lat);
        let enc = |s| encode(self.lon, self.lat, s).unwrap_or(Bits { bits: 0, step: s });
        let mut hash = enc(steps);
        let mut n = neighbours(hash);
        let north = decode(n[1]);
        let south = decode(n[2]);
        let east = decode(n[3]);
        let west = decode(n[4]);
        let decrease = north.lat_max < max_lat
            || south.lat_min > min_lat
            || east.lon_max < max_lon
            || west.lon_min > min_lon;
        if steps > 1 && decrease {
            steps -= 1;
            hash = enc(steps);
            n = neighbours(hash);
        }
        let area = decode(hash);
        if steps >= 2 {
            let zero = Bits::default();
            if area.lat_min < min_lat {
                n[2] = zero; // south
                n[8] = zero; // south-west
                n[7] = zero; // south-east
            }
            if area.lat_max > max_lat {
                n[1] = zero; // north
                n[5] = zero; // north-east
                n[6] = zero; // north-west
            }
            if area.lon_min < min_lon {
                n[4] = zero; // west
                n[8] = zero;
                n[6] = zero;
            }
            if area.lon_max > max_lon {
                n[3] = zero; // east
                n[7] = zero;
                n[5] = zero;
            }
        }
        n
    }

    /// `geoWithinShape`: the distance (metres) of a score's point from
    /// the centre when inside the shape.
    fn within(&self, score: f64) -> Option<f64> {
        let (x, y) = decode_score(score);
        match self.shape {
            Shape::Radius(r) => {
                let d = distance(self.lon, self.lat, x, y);
                (d <= r * self.conversion || d.is_nan()).then_some(d)
            }
            Shape::Box(w, h) => {
                let (w, h) = (w * self.conversion, h * self.conversion);
                if lat_distance(y, self.lat) > h / 2.0 {
                    return None;
                }
                if distance(x, y, self.lon, y) > w / 2.0 {
                    return None;
                }
                Some(distance(self.lon, self.lat, x, y))
            }
        }
    }
}

/// `geohashGetLatDistance`.
fn lat_distance(lat1: f64, lat2: f64) -> f64 {
    EARTH_RADIUS_IN_METERS * (deg_rad(lat2) - deg_rad(lat1)).abs()
}

/// `geohashGetDistance`: haversine distance in metres.
pub(crate) fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let lon1r = deg_rad(lon1);
    let lon2r = deg_rad(lon2);
    let v = ((lon2r - lon1r) / 2.0).sin();
    if v == 0.0 {
        return lat_distance(lat1, lat2);
    }
    let lat1r = deg_rad(lat1);
    let lat2r = deg_rad(lat2);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_IN_METERS * a.sqrt().asin()
}

/// A match.
struct Point {
    lon: f64,
    lat: f64,
    dist: f64,
    score: f64,
    member: Vec<u8>,
}

/// `membersOfAllNeighbors`: scans each cell's score range `[min, max)`,
/// stopping once `limit` (0: none) matches are found.
fn scan(z: &ZSet, s: &Search, limit: usize) -> Vec<Point> {
    let cells = s.cells();
    let mut out = Vec::new();
    let mut last: Option<usize> = None;
    for (i, c) in cells.iter().enumerate() {
        if c.is_zero() {
            continue;
        }
        // Redis compares with the last processed cell unless that was the
        // centre (index 0).
        if let Some(l) = last.filter(|&l| l != 0) {
            if cells[l] == *c {
                continue;
            }
        }
        if limit != 0 && out.len() >= limit {
            break;
        }
        let min = (c.bits << (52 - c.step * 2)) as f64;
        let max = ((c.bits + 1) << (52 - c.step * 2)) as f64;
        let from = ZKey {
            score: min,
            member: Vec::new(),
        };
        for k in z.tree.range(from..) {
            if k.score >= max {
                break;
            }
            if let Some(dist) = s.within(k.score) {
                let (lon, lat) = decode_score(k.score);
                out.push(Point {
                    lon,
                    lat,
                    dist,
                    score: k.score,
                    member: k.member.clone(),
                });
            }
            if limit != 0 && out.len() >= limit {
                break;
            }
        }
        last = Some(i);
    }
    out
}

/// Reads `longitude latitude` (`extractLongLatOrReply`).
fn lon_lat(a: &mut Args) -> EngineResult<(f64, f64)> {
    let lon = a.next_f64()?;
    let lat = a.next_f64()?;
    if !(GEO_LONG_MIN..=GEO_LONG_MAX).contains(&lon) || !(GEO_LAT_MIN..=GEO_LAT_MAX).contains(&lat)
    {
        return Err(EngineError::reply(format!(
            "ERR invalid longitude,latitude pair {lon:.6},{lat:.6}"
        )));
    }
    Ok((lon, lat))
}

/// `extractUnitOrReply`: metres per unit.
fn unit(u: &[u8]) -> EngineResult<f64> {
    Ok(if eq_ic(u, "m") {
        1.0
    } else if eq_ic(u, "km") {
        1000.0
    } else if eq_ic(u, "ft") {
        0.3048
    } else if eq_ic(u, "mi") {
        1609.34
    } else {
        return Err(EngineError::reply(
            "ERR unsupported unit provided. please use M, KM, FT, MI",
        ));
    })
}

/// `extractDistanceOrReply`: `radius unit`.
fn radius(a: &mut Args) -> EngineResult<(f64, f64)> {
    let r =
        parse_f64(a.next_bytes()?).ok_or_else(|| EngineError::reply("ERR need numeric radius"))?;
    if r < 0.0 {
        return Err(EngineError::reply("ERR radius cannot be negative"));
    }
    Ok((r, unit(a.next_bytes()?)?))
}

/// `extractBoxOrReply`: `width height unit`.
fn dims(a: &mut Args) -> EngineResult<(f64, f64, f64)> {
    let w =
        parse_f64(a.next_bytes()?).ok_or_else(|| EngineError::reply("ERR need numeric width"))?;
    let h =
        parse_f64(a.next_bytes()?).ok_or_else(|| EngineError::reply("ERR need numeric height"))?;
    if h < 0.0 || w < 0.0 {
        return Err(EngineError::reply("ERR height or width cannot be negative"));
    }
    Ok((w, h, unit(a.next_bytes()?)?))
}

/// The source sorted set, cloned out of the keyspace (`None`: missing).
fn source(e: &mut Engine, key: &[u8]) -> EngineResult<Option<ZSet>> {
    Ok(e.get_zset(key)?.cloned())
}

/// The centre of a member (`longLatFromMember`).
fn member_centre(z: &ZSet, m: &[u8]) -> EngineResult<(f64, f64)> {
    z.score(m)
        .map(decode_score)
        .ok_or_else(|| EngineError::reply("ERR could not decode requested zset member"))
}

#[derive(Clone, Copy, PartialEq)]
enum Flavour {
    Radius,
    ByMember,
    SearchStore,
}

#[derive(Clone, Copy, PartialEq)]
enum Order {
    None,
    Asc,
    Desc,
}

/// `fixedpoint_d2string(.., 4)`: `WITHDIST`'s format.
fn fmt_dist(d: f64) -> Vec<u8> {
    if d == 0.0 {
        return b"0.0000".to_vec();
    }
    let v = (d * 10000.0).round_ties_even();
    if !v.is_finite() || v.abs() >= 9.2e18 {
        return format!("{d:.4}").into_bytes();
    }
    let v = v as i64;
    let sign = if v < 0 { "-" } else { "" };
    let u = v.unsigned_abs();
    format!("{sign}{}.{:04}", u / 10000, u % 10000).into_bytes()
}

/// `addReplyHumanLongDouble`: `%.17Lf` without trailing zeros.
fn fmt_coord(x: f64) -> Vec<u8> {
    let s = format!("{x:.17}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    s.as_bytes().to_vec()
}

/// `georadiusGeneric`.
fn generic(e: &mut Engine, a: &mut Args, fl: Flavour) -> EngineResult<Reply> {
    let mut store: Option<&[u8]> = None;
    if fl == Flavour::SearchStore {
        store = Some(a.next_bytes()?);
    }
    let key = a.next_bytes()?;
    let z = source(e, key)?;
    let mut centre: Option<(f64, f64)> = None;
    let mut shape: Option<(Shape, f64)> = None;
    match fl {
        Flavour::Radius => {
            centre = Some(lon_lat(a)?);
            let (r, c) = radius(a)?;
            shape = Some((Shape::Radius(r), c));
        }
        Flavour::ByMember => {
            let m = a.next_bytes()?;
            match &z {
                Some(z) => {
                    centre = Some(member_centre(z, m)?);
                    let (r, c) = radius(a)?;
                    shape = Some((Shape::Radius(r), c));
                }
                None => {
                    a.next_bytes()?;
                    a.next_bytes()?;
                }
            }
        }
        Flavour::SearchStore => {}
    }
    let search = fl == Flavour::SearchStore;
    let (mut withdist, mut withhash, mut withcoord, mut any) = (false, false, false, false);
    let (mut frommember, mut fromloc, mut byradius, mut bybox) = (false, false, false, false);
    let mut storedist = false;
    let mut order = Order::None;
    let mut count: i64 = 0;
    while let Some(o) = a.peek() {
        a.next_bytes()?;
        let left = a.remaining();
        if eq_ic(o, "withdist") {
            withdist = true;
        } else if eq_ic(o, "withhash") {
            withhash = true;
        } else if eq_ic(o, "withcoord") {
            withcoord = true;
        } else if eq_ic(o, "any") {
            any = true;
        } else if eq_ic(o, "asc") {
            order = Order::Asc;
        } else if eq_ic(o, "desc") {
            order = Order::Desc;
        } else if eq_ic(o, "count") && left >= 1 {
            count = parse_i64(a.next_bytes()?).ok_or(EngineError::NotInteger)?;
            if count <= 0 {
                return Err(EngineError::reply("ERR COUNT must be > 0"));
            }
        } else if (eq_ic(o, "store") || eq_ic(o, "storedist")) && left >= 1 && !search {
            store = Some(a.next_bytes()?);
            storedist = eq_ic(o, "storedist");
        } else if eq_ic(o, "storedist") && search {
            storedist = true;
        } else if eq_ic(o, "frommember") && left >= 1 && search && !fromloc {
            let m = a.next_bytes()?;
            if let Some(z) = &z {
                centre = Some(member_centre(z, m)?);
            }
            frommember = true;
        } else if eq_ic(o, "fromlonlat") && left >= 2 && search && !frommember {
            centre = Some(lon_lat(a)?);
            fromloc = true;
        } else if eq_ic(o, "byradius") && left >= 2 && search && !bybox {
            let (r, c) = radius(a)?;
            shape = Some((Shape::Radius(r), c));
            byradius = true;
        } else if eq_ic(o, "bybox") && left >= 3 && search && !byradius {
            let (w, h, c) = dims(a)?;
            shape = Some((Shape::Box(w, h), c));
            bybox = true;
        } else {
            return Err(EngineError::Syntax);
        }
    }
    if store.is_some() && (withdist || withhash || withcoord) {
        return Err(EngineError::reply(format!(
            "ERR {} is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
            if search {
                "GEOSEARCHSTORE"
            } else {
                "STORE option in GEORADIUS"
            }
        )));
    }
    if search && !(frommember || fromloc) {
        return Err(EngineError::reply(format!(
            "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {}",
            a.name()
        )));
    }
    if search && !(byradius || bybox) {
        return Err(EngineError::reply(format!(
            "ERR exactly one of BYRADIUS and BYBOX can be specified for {}",
            a.name()
        )));
    }
    if any && count == 0 {
        return Err(EngineError::reply(
            "ERR the ANY argument requires COUNT argument",
        ));
    }
    let (Some(z), Some((lon, lat)), Some((shape, conversion))) = (z, centre, shape) else {
        // Missing source.
        return Ok(match store {
            Some(dst) => {
                e.remove_key(dst);
                Reply::Int(0)
            }
            None => Reply::Array(Vec::new()),
        });
    };
    if count != 0 && order == Order::None && !any {
        order = Order::Asc;
    }
    let s = Search {
        lon,
        lat,
        shape,
        conversion,
    };
    let limit = if any {
        usize::try_from(count).unwrap_or(usize::MAX)
    } else {
        0
    };
    let mut found = scan(&z, &s, limit);
    match order {
        Order::None => {}
        Order::Asc => found.sort_by(|x, y| x.dist.total_cmp(&y.dist)),
        Order::Desc => found.sort_by(|x, y| y.dist.total_cmp(&x.dist)),
    }
    if count > 0 {
        found.truncate(usize::try_from(count).unwrap_or(usize::MAX));
    }
    for p in &mut found {
        p.dist /= conversion;
    }
    match store {
        Some(dst) => {
            let n = found.len() as i64;
            if found.is_empty() {
                e.remove_key(dst);
            } else {
                let mut out = ZSet::default();
                for p in &found {
                    out.insert(&p.member, if storedist { p.dist } else { p.score });
                }
                e.set_obj(dst, Obj::Zset(out));
            }
            Ok(Reply::Int(n))
        }
        None => {
            let options = usize::from(withdist) + usize::from(withhash) + usize::from(withcoord);
            let rows = found
                .into_iter()
                .map(|p| {
                    if options == 0 {
                        return Reply::Bulk(p.member);
                    }
                    let mut row = vec![Reply::Bulk(p.member)];
                    if withdist {
                        row.push(Reply::Bulk(fmt_dist(p.dist)));
                    }
                    if withhash {
                        row.push(Reply::Int(p.score as i64));
                    }
                    if withcoord {
                        row.push(Reply::Array(vec![
                            Reply::Bulk(fmt_coord(p.lon)),
                            Reply::Bulk(fmt_coord(p.lat)),
                        ]));
                    }
                    Reply::Array(row)
                })
                .collect();
            Ok(Reply::Array(rows))
        }
    }
}

/// `GEORADIUS key longitude latitude radius M | KM | FT | MI [WITHCOORD]
/// [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC] [STORE key |
/// STOREDIST key]`
///
/// With `STORE` the matches (after `COUNT`) replace the destination as a
/// sorted set scored by their geohashes, with `STOREDIST` by their
/// distance in the requested unit; an empty result deletes it. The reply
/// is then the number stored.
pub(crate) fn georadius(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    generic(e, a, Flavour::Radius)
}

/// `GEORADIUSBYMEMBER key member radius M | KM | FT | MI [WITHCOORD]
/// [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC] [STORE key |
/// STOREDIST key]`: as [`georadius`], centred on a member's cell.
pub(crate) fn georadiusbymember(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    generic(e, a, Flavour::ByMember)
}

/// `GEOSEARCHSTORE destination source FROMMEMBER member | FROMLONLAT
/// longitude latitude BYRADIUS radius M | KM | FT | MI | BYBOX width
/// height M | KM | FT | MI [ASC | DESC] [COUNT count [ANY]] [STOREDIST]`
///
/// Stores the matches into `destination` as [`georadius`]'s `STORE` /
/// `STOREDIST` do; replies the number stored.
pub(crate) fn geosearchstore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    generic(e, a, Flavour::SearchStore)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let h = encode(13.361389, 38.115556, 26).expect("in range");
        assert_eq!(h.bits, 3479099956230698);
        let (lon, lat) = decode_score(h.bits as f64);
        assert!((lon - 13.361389).abs() < 1e-5 && (lat - 38.115556).abs() < 1e-5);
        assert_eq!(squash(spread(0xdead_beef)), 0xdead_beef);
    }

    #[test]
    fn palermo_catania() {
        let d = distance(13.361389, 38.115556, 15.087269, 37.502669);
        assert!((d - 166274.15).abs() < 1.0, "{d}");
    }

    #[test]
    fn steps() {
        assert_eq!(estimate_steps(0.0, 0.0), 26);
        assert_eq!(estimate_steps(1.0, 0.0), 24);
        assert_eq!(estimate_steps(1e9, 0.0), 1);
        assert_eq!(estimate_steps(1.0, 85.0), 22);
    }
}
