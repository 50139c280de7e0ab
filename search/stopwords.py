"""English, French and Spanish stop words, folded (no accents), for BM25."""

STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our
out over own same she should so some such than that the their them then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you your
according said say says
au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui ma mais me meme mes
moi mon ne nos notre nous on ou par pas pour qu que quel quelle quels quelles qui sa se ses son sur ta te tes
toi ton tu un une vos votre vous c d j l m n s t y ete etait etaient sont est a ont avait comment combien quoi
selon dont ou
el la los las un una unos unas y o de del que en por para con sin sobre es son fue
""".split())

# Auxiliaries that end a topic phrase: "the workshop on X was ...", "l'atelier sur X a-t-il ...".
AUXILIARIES = frozenset("""
did does do was were is are has have had will would can could
a ont est sont etait etaient fut t
fue fueron es son ha han hubo se
""".split())

# A polite frame around a question: "can you tell me who ...", "dis-moi qui ...",
# "¿me puedes decir quién ...?" (folded, no accents). What follows is the question.
QUESTION_FRAMES = (
    "can you tell me", "could you tell me", "do you know", "tell me", "i would like to know", "i'd like to know",
    "peux-tu me dire", "pouvez-vous me dire", "pourriez-vous me dire", "peux tu me dire", "savez-vous", "sais-tu",
    "dis-moi", "dites-moi", "j'aimerais savoir", "je voudrais savoir", "je me demande",
    "me puedes decir", "puedes decirme", "podrias decirme", "me podrias decir", "sabes", "sabe usted", "dime",
    "quisiera saber", "me gustaria saber", "give me", "donne-moi", "donnez-moi", "dame", "deme",
)
