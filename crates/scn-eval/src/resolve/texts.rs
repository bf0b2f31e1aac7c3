//! One shared copy of each node id and label.
//!
//! Ids are unique among siblings only, so a big tree repeats a few of them (and often its
//! labels) hundreds of thousands of times: a million-branch file spent about 45 bytes a node
//! on its own copies of them.

use std::collections::HashSet;
use std::sync::Arc;

/// The texts handed out so far, while a model is built.
#[derive(Default)]
pub(super) struct Texts(HashSet<Arc<str>>);

impl Texts {
    /// The one copy of `text`.
    pub(super) fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = text.into();
        self.0.insert(Arc::clone(&shared));
        shared
    }
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
}
