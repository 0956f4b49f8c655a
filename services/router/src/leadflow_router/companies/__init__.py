"""Companies: who has a company's leads, for the owner rule's ``by: [company]``."""
