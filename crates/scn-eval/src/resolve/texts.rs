//! One shared copy of each node id and label.
//!
//! Ids are unique among siblings only, so a big tree repeats a few of them (and often its
//! labels) hundreds of thousands of times: a million-branch file spent about 45 bytes a node
//! on its own copies of them.

use std::collections::HashSet;
use std::sync::Arc;

/// The texts handed out so far, while a model is built.
pub(super) struct Texts {
    all: HashSet<Arc<str>>,
    /// The last text handed out in each of a few slots chosen by a cheap hash: most lookups
    /// end here, without the set's keyed hash. A file that makes texts share a slot only
    /// sends them on to the set, so it cannot make a lookup slower than that.
    recent: Vec<Option<Arc<str>>>,
}

const RECENT_SLOTS: usize = 4096;

impl Default for Texts {
    fn default() -> Texts {
        Texts {
            all: HashSet::new(),
            recent: vec![None; RECENT_SLOTS],
        }
    }
}

impl Texts {
    /// The one copy of `text`.
    pub(super) fn get(&mut self, text: &str) -> Arc<str> {
        let slot = &mut self.recent[cheap_hash(text) % RECENT_SLOTS];
        if let Some(recent) = slot
            && **recent == *text
        {
            return Arc::clone(recent);
        }
        let shared = match self.all.get(text) {
            Some(shared) => Arc::clone(shared),
            None => {
                let shared: Arc<str> = text.into();
                self.all.insert(Arc::clone(&shared));
                shared
            }
        };
        *slot = Some(Arc::clone(&shared));
        shared
    }
}

/// FNV-1a: unkeyed, so only for choosing a slot of `recent`.
fn cheap_hash(text: &str) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_copy_and_different_ones_do_not() {
        let mut texts = Texts::default();
        let a = texts.get("truce");
        let b = texts.get("truce");
        let c = texts.get("talks");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!((&*a, &*c), ("truce", "talks"));
    }

    #[test]
    fn texts_sharing_a_recent_slot_are_still_told_apart_and_shared() {
        let mut texts = Texts::default();
        // Two texts in one slot, found by search rather than assumed.
        let first = "t0".to_owned();
        let other = (1..)
            .map(|i| format!("t{i}"))
            .find(|t| cheap_hash(t) % RECENT_SLOTS == cheap_hash(&first) % RECENT_SLOTS)
            .unwrap();
        let a = texts.get(&first);
        let b = texts.get(&other);
        let (a2, b2) = (texts.get(&first), texts.get(&other));
        assert_eq!((&*a2, &*b2), (first.as_str(), other.as_str()));
        assert!(Arc::ptr_eq(&a, &a2) && Arc::ptr_eq(&b, &b2));
    }
}
