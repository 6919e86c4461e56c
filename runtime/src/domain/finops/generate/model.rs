//! The cost model: an account's hierarchy of leaves (one instance family of one
//! application), each with a base fleet, a weekly profile and noise, and the anomaly a
//! scenario plants on the anomaly date at one level of the hierarchy.

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::catalog::{APPS, CSPS};
use crate::domain::finops::Resource;

/// Where the anomaly sits: one kind per level of the hierarchy, and new resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One instance family's fleet grows.
    FamilySpike,
    /// An application appears on the anomaly date.
    NewApplication,
    /// An instance family appears in an existing application on the anomaly date.
    NewFamily,
    /// Every instance family of one application grows.
    AppScale,
    /// One cloud service's prices rise for every application on it.
    ServicePrice,
    /// Every service of one cloud provider grows.
    CspWide,
    /// Everything in the account grows.
    AccountWide,
    /// Two instance families of two applications grow.
    TwoFamilies,
}

/// The kinds in scenario order: scenario N has kind `KINDS[(N - 1) % KINDS.len()]`.
pub const KINDS: [Kind; 8] = [
    Kind::FamilySpike,
    Kind::NewApplication,
    Kind::ServicePrice,
    Kind::CspWide,
    Kind::AppScale,
    Kind::NewFamily,
    Kind::AccountWide,
    Kind::TwoFamilies,
];

impl Kind {
    /// The name provenance records.
    pub fn name(self) -> &'static str {
        match self {
            Kind::FamilySpike => "instance_family_spike",
            Kind::NewApplication => "new_application",
            Kind::NewFamily => "new_instance_family",
            Kind::AppScale => "application_scale_up",
            Kind::ServicePrice => "cloud_service_price_rise",
            Kind::CspWide => "csp_wide_growth",
            Kind::AccountWide => "account_wide_growth",
            Kind::TwoFamilies => "two_instance_family_spikes",
        }
    }
}

/// One leaf of the hierarchy: an instance family of an application.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// Account ID.
    pub account: String,
    /// CSP.
    pub csp: &'static str,
    /// Cloud_Service.
    pub service: &'static str,
    /// Application.
    pub app: String,
    /// Instance_Family.
    pub family: &'static str,
    /// List price, $/hr.
    pub price: f64,
    /// Mean fleet size on an ordinary weekday.
    pub base: f64,
    /// Fleet factor by weekday, Monday first.
    pub weekly: [f64; 7],
    /// First day (index) with a cost row.
    pub start: usize,
    /// Fleet factor on the anomaly date.
    pub usage_jump: f64,
    /// Price factor on the anomaly date.
    pub price_jump: f64,
}

/// A random account id in the style of ITBench-Lite's (`49tAGZz`).
pub fn account_id(rng: &mut ChaCha8Rng) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..7)
        .map(|_| char::from(ABC[rng.random_range(0..ABC.len())]))
        .collect()
}

/// Weekly profiles: business hours (weekends low), flat, and batch (one weekday high).
fn profile(rng: &mut ChaCha8Rng, peak_day: usize) -> [f64; 7] {
    match rng.random_range(0..3) {
        0 => [1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.55],
        1 => [1.0; 7],
        _ => {
            let mut w = [1.0; 7];
            w[(peak_day + rng.random_range(1..6)) % 7] = 1.8;
            w
        }
    }
}

/// An account's leaves: two providers, two services each, two applications a service, one
/// or two instance families an application. `decoy_day` is the anomaly date's weekday: one
/// application peaks on it every week (seasonality, not an anomaly).
pub fn account(rng: &mut ChaCha8Rng, id: &str, decoy_day: usize) -> Vec<Leaf> {
    let mut csps: Vec<usize> = (0..CSPS.len()).collect();
    csps.shuffle(rng);
    let mut apps: Vec<&str> = APPS.to_vec();
    apps.shuffle(rng);
    let mut apps = apps.into_iter();
    let mut leaves = Vec::new();
    for &c in &csps[..2] {
        let csp = &CSPS[c];
        for service in csp.services {
            let mut fams: Vec<(&'static str, f64)> = service.families.to_vec();
            fams.shuffle(rng);
            // The last family stays free for a scenario that adds one.
            let mut fams = fams[..fams.len() - 1].iter();
            for a in 0..2 {
                let Some(app) = apps.next() else { break };
                let n = if a == 0 { 2 } else { rng.random_range(1..=2) };
                let weekly = profile(rng, decoy_day);
                for _ in 0..n {
                    let Some(&(family, price)) = fams.next() else {
                        break;
                    };
                    leaves.push(Leaf {
                        account: id.to_string(),
                        csp: csp.name,
                        service: service.name,
                        app: app.to_string(),
                        family,
                        price,
                        base: f64::from(rng.random_range(3..30)),
                        weekly,
                        start: 0,
                        usage_jump: 1.0,
                        price_jump: 1.0,
                    });
                }
            }
        }
    }
    leaves
}

/// Makes one application of `leaves` the seasonal decoy: it runs at 2.6 times its fleet
/// every week on `day`. Returns its name.
pub fn decoy(rng: &mut ChaCha8Rng, leaves: &mut [Leaf], day: usize) -> String {
    let mut apps: Vec<String> = leaves.iter().map(|l| l.app.clone()).collect();
    apps.dedup();
    let app = apps[rng.random_range(0..apps.len())].clone();
    for l in leaves.iter_mut().filter(|l| l.app == app) {
        l.weekly = [1.0; 7];
        l.weekly[day] = 2.6;
    }
    app
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

fn jump(rng: &mut ChaCha8Rng) -> f64 {
    f64::from(rng.random_range(20..=35u32)) / 10.0
}

fn resource(name: &str, kind: &str) -> Resource {
    Resource {
        name: name.to_string(),
        kind: kind.to_string(),
    }
}

/// Plants `kind` in the anomaly account's `leaves` on day `day` (the anomaly date), never on
/// the decoy application; returns the ground truth.
pub fn plant(
    rng: &mut ChaCha8Rng,
    kind: Kind,
    leaves: &mut Vec<Leaf>,
    day: usize,
    decoy: &str,
) -> Vec<Resource> {
    let apps_with = |leaves: &[Leaf], min: usize| -> Vec<String> {
        let mut apps: Vec<String> = leaves
            .iter()
            .map(|l| l.app.clone())
            .filter(|a| a != decoy)
            .collect();
        apps.dedup();
        apps.retain(|a| leaves.iter().filter(|l| &l.app == a).count() >= min);
        apps
    };
    match kind {
        Kind::FamilySpike => {
            let i = *pick(rng, &eligible(leaves, decoy));
            leaves[i].usage_jump = jump(rng);
            vec![resource(leaves[i].family, "Instance Family")]
        }
        Kind::TwoFamilies => {
            let first = *pick(rng, &eligible(leaves, decoy));
            let others: Vec<usize> = eligible(leaves, decoy)
                .into_iter()
                .filter(|&i| leaves[i].app != leaves[first].app)
                .collect();
            let second = *pick(rng, &others);
            let mut gt = Vec::new();
            for i in [first, second] {
                leaves[i].usage_jump = jump(rng);
                gt.push(resource(leaves[i].family, "Instance Family"));
            }
            gt
        }
        Kind::AppScale => {
            let app = pick(rng, &apps_with(leaves, 2)).clone();
            let j = jump(rng) * 0.8;
            for l in leaves.iter_mut().filter(|l| l.app == app) {
                l.usage_jump = j;
            }
            vec![resource(&app, "Application")]
        }
        Kind::ServicePrice => {
            let l = leaves[*pick(rng, &eligible(leaves, decoy))].clone();
            let f = f64::from(rng.random_range(15..=19u32)) / 10.0;
            for x in leaves
                .iter_mut()
                .filter(|x| x.csp == l.csp && x.service == l.service)
            {
                x.price_jump = f;
            }
            vec![resource(l.service, "Cloud Service")]
        }
        Kind::CspWide => {
            let csp = leaves[*pick(rng, &eligible(leaves, decoy))].csp;
            let j = jump(rng) * 0.75;
            for x in leaves.iter_mut().filter(|x| x.csp == csp) {
                x.usage_jump = j;
            }
            vec![resource(csp, "CSP")]
        }
        Kind::AccountWide => {
            let j = jump(rng) * 0.7;
            for x in leaves.iter_mut() {
                x.usage_jump = j;
            }
            vec![resource(&leaves[0].account.clone(), "Account")]
        }
        Kind::NewFamily => {
            let base = leaves[*pick(rng, &eligible(leaves, decoy))].clone();
            let (family, price) = free_family(leaves, &base);
            leaves.push(Leaf {
                family,
                price,
                base: f64::from(rng.random_range(8..30)),
                start: day,
                ..base
            });
            vec![resource(family, "Instance Family")]
        }
        Kind::NewApplication => {
            // A service with two families free, so the new application has two.
            let roomy: Vec<usize> = eligible(leaves, decoy)
                .into_iter()
                .filter(|&i| free_families(leaves, &leaves[i]).len() >= 2)
                .collect();
            let base = leaves[*pick(rng, &roomy)].clone();
            let used: Vec<&str> = leaves.iter().map(|l| l.app.as_str()).collect();
            let app = APPS
                .iter()
                .find(|a| !used.contains(a))
                .map_or_else(|| "new-service".to_string(), |a| (*a).to_string());
            let mut added = Vec::new();
            for _ in 0..2 {
                let all: Vec<Leaf> = leaves.iter().chain(&added).cloned().collect();
                let (family, price) = free_family(&all, &base);
                added.push(Leaf {
                    app: app.clone(),
                    family,
                    price,
                    base: f64::from(rng.random_range(6..20)),
                    weekly: [1.0; 7],
                    start: day,
                    ..base.clone()
                });
            }
            leaves.extend(added);
            vec![resource(&app, "Application")]
        }
    }
}

/// Leaves not of the decoy application.
fn eligible(leaves: &[Leaf], decoy: &str) -> Vec<usize> {
    (0..leaves.len())
        .filter(|&i| leaves[i].app != decoy)
        .collect()
}

/// The families of `like`'s service that no leaf of the account bills yet.
fn free_families(leaves: &[Leaf], like: &Leaf) -> Vec<(&'static str, f64)> {
    CSPS.iter()
        .flat_map(|c| c.services.iter().map(move |s| (c.name, s)))
        .filter(|(c, s)| *c == like.csp && s.name == like.service)
        .flat_map(|(_, s)| s.families.iter())
        .filter(|(f, _)| !leaves.iter().any(|l| l.family == *f))
        .copied()
        .collect()
}

/// The first of [`free_families`]: every service keeps one free (see [`account`]).
fn free_family(leaves: &[Leaf], like: &Leaf) -> (&'static str, f64) {
    free_families(leaves, like)
        .first()
        .copied()
        .unwrap_or((like.family, like.price))
}
