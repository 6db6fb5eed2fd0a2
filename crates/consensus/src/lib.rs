//! Consensus adapter: Malachite BFT engine behind a narrow Application trait
