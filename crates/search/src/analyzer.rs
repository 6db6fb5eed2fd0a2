//! The text analyzer for Chinese and English: jieba segmentation (search mode, so a compound is
//! indexed with its parts), then dropping tokens with no letter or digit (spaces, punctuation),
//! lower-casing and English stemming (Chinese words pass through the stemmer unchanged).

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name the analyzer is registered under.
pub const ANALYZER: &str = "govchain_zh_en";

/// Builds the analyzer.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
        .filter(WordsOnly)
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Drops tokens without any alphanumeric character.
#[derive(Clone)]
struct WordsOnly;

impl TokenFilter for WordsOnly {
    type Tokenizer<T: Tokenizer> = WordsOnlyTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> WordsOnlyTokenizer<T> {
        WordsOnlyTokenizer(inner)
    }
}

#[derive(Clone)]
struct WordsOnlyTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for WordsOnlyTokenizer<T> {
    type TokenStream<'a> = WordsOnlyStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordsOnlyStream(self.0.token_stream(text))
    }
}

struct WordsOnlyStream<S>(S);

impl<S: TokenStream> TokenStream for WordsOnlyStream<S> {
    fn advance(&mut self) -> bool {
        while self.0.advance() {
            if self.0.token().text.chars().any(char::is_alphanumeric) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut a = analyzer();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn chinese_words_english_stems_no_punctuation() {
        let t = tokens("2027年部门预算，Department Budgets!");
        assert!(t.contains(&"预算".to_string()), "{t:?}");
        assert!(t.contains(&"部门".to_string()), "{t:?}");
        assert!(t.contains(&"budget".to_string()), "plural stemmed and lower-cased: {t:?}");
        assert!(t.iter().all(|w| w.chars().any(char::is_alphanumeric)), "{t:?}");
    }
}
