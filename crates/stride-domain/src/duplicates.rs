//! Is this the same person? At enrollment a worker with the same phone number, or a
//! name close to the new one, is shown before saving (field teams enroll the same
//! person twice more often than one thinks: about one in ten in one health program).
//! Names compare without case, accents, punctuation or word order, and allow a typo or
//! two in proportion to their length.

use serde::Serialize;
use ts_rs::TS;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Why an existing worker may be the one being enrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    SamePhone,
    SimilarName,
}

/// The name as compared: lower case, accents and punctuation dropped, words sorted.
/// Accents are what Unicode's canonical decomposition splits off a letter (é is e and a
/// combining acute accent), so every accented Latin letter folds, not a hand-kept few.
pub fn name_key(name: &str) -> String {
    let plain: String = name
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = plain.split_whitespace().collect();
    words.sort_unstable();
    words.join(" ")
}

/// Edits (insert, delete, substitute one character) between two strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitute.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// How many typos a name of this length may carry and still be "close".
fn tolerance(key: &str) -> usize {
    match key.chars().count() {
        0..=5 => 0,
        6..=12 => 1,
        13..=20 => 2,
        _ => 3,
    }
}

/// Whether two names are probably the same person's.
pub fn names_close(a: &str, b: &str) -> bool {
    let (a, b) = (name_key(a), name_key(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let allowed = tolerance(&a).min(tolerance(&b));
    a.chars().count().abs_diff(b.chars().count()) <= allowed && edit_distance(&a, &b) <= allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_name_written_differently_is_close() {
        for (a, b) in [
            ("Amina Wanjiru", "amina wanjiru"),
            ("Amina Wanjiru", "Wanjiru Amina"),
            ("Amina Wanjiru", "Amina Wanjru"),
            ("Amina Wanjiru", "Aminah Wanjiru"),
            ("José Otieno", "Jose Otieno"),
            // Beyond the few accents a table once listed: every accented Latin letter.
            ("Zoë Šimić", "Zoe Simic"),
            ("Ngũgĩ Wanjiru", "Ngugi Wanjiru"),
            ("Mary-Anne Achieng", "Mary Anne Achieng"),
        ] {
            assert!(names_close(a, b), "{a} ~ {b}");
        }
    }

    #[test]
    fn different_people_are_not() {
        for (a, b) in [("Amina Wanjiru", "Amina Otieno"), ("Juma", "Jumba"), ("Ali", "Alí Hassan"), ("", "")] {
            assert!(!names_close(a, b), "{a} !~ {b}");
        }
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}

/// An existing worker who may be the one being enrolled, and why.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DuplicateCandidate {
    pub worker: crate::entities::Worker,
    pub reasons: Vec<DuplicateReason>,
}
