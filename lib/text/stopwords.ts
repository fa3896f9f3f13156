/** Function words that carry no topic, per language. Kept short on purpose: content words matter. */
export const STOPWORDS: Record<string, ReadonlySet<string>> = {
  en: new Set(
    `a about above after again against all am an and any are aren't as at be because been before being below between both
but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from further had
hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd
i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on once
only or other ought our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so some such
than that that's the their theirs them themselves then there there's these they they'd they'll they're they've this
those through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's
where where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're you've your yours
yourself yourselves hi hello dear thanks thank please regards best cheers also just get got would like im ive dont
cant its`.split(/\s+/),
  ),
  de: new Set(
    `aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf aus bei bin bis
bist da damit dann der den des dem die das dass daß du dein deine deinem deinen deiner dich dir doch dort durch ein
eine einem einen einer eines er es euer eure für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich
ihm ihn ihnen ihr ihre ihrem ihren ihrer im in indem ins ist jede jedem jeden jeder jedes jetzt kann kein keine
keinem keinen keiner können könnte man manche mein meine meinem meinen meiner mich mir mit muss musste nach nicht
nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seit sich sie sind so solche soll sollte sondern
sonst über um und uns unser unsere unter viel vom von vor war waren warst was weg weil weiter welche welchem welchen
welcher welches wenn wer werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar
zwischen hallo liebe lieber sehr geehrte geehrter danke bitte grüße gruß viele freundlichen mfg vg`.split(/\s+/),
  ),
  fr: new Set(
    `au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me même mes moi mon ne nos notre
nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l à m n s t y
été est suis es sont ai as avons avez ont bonjour merci cordialement`.split(/\s+/),
  ),
  es: new Set(
    `de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o este sí porque esta
entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno les ni contra otros ese
eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual
poco ella estar estas algunas algo nosotros mi mis tú te ti tu tus hola gracias saludos`.split(/\s+/),
  ),
};

export function isStopword(token: string, language: string): boolean {
  return STOPWORDS[language]?.has(token) ?? false;
}
