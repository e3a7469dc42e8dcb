"""Understanding what people write: intent names, the embedded classifier, normalisation and language detection.

Owns `intents` (the fixed intent list and the Classifier protocol), `nlu` (the embedded classifier and the Rasa
backend), `clauses` (which clause tells the writer's own harm or a neutral situation), `normalise` (SMS spellings),
`language` and `training_data` (Rasa NLU YAML). It imports only the base modules; every package above may use it.
"""
