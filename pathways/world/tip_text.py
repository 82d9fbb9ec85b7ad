"""Tip narratives: templates per category, told differently by each person who reports the same event.

Kept plain and non-graphic on purpose: this is a law-enforcement tool's test data.
"""

from __future__ import annotations

import numpy as np

from pathways.world.rng import pick
from pathways.world.variants import typo

CATEGORIES: tuple[str, ...] = (
    "child_exploitation", "human_smuggling", "human_trafficking", "counterfeit_goods", "narcotics_smuggling",
    "weapons_export_control", "money_laundering", "cyber_crime", "other",
)
CATEGORY_WEIGHTS = np.array([0.10, 0.12, 0.08, 0.20, 0.16, 0.05, 0.10, 0.12, 0.07])

TEMPLATES: dict[str, tuple[str, ...]] = {
    "child_exploitation": (
        "The account {user} on a social media app is sharing exploitative material involving minors. Link: {url}",
        "I saw a profile {user} posting content that exploits children. It is at {url}. Please take it down.",
        "Reporting {user} for child exploitation content at {url}. The account contacts kids in group chats.",
        "An online user called {user} is trying to get pictures from minors. Profile: {url}",
    ),
    "human_smuggling": (
        "{who} is moving people across the border near {place}. They use a vehicle with {plate}. Call {phone}.",
        "People are being dropped at a house in {place}; the driver is {who} and the car is {plate}.",
        "I think {who} runs a smuggling operation from {place}. Migrants pay to the number {phone}.",
        "Smugglers use {plate} to pick up groups near {place}. One of them goes by {who}.",
    ),
    "human_trafficking": (
        "Workers at a business in {place} have their passports held by {who} and cannot leave. Phone {phone}.",
        "{who} recruits women online with fake job offers and houses them in {place}. Ad: {url}",
        "I believe people at {place} are forced to work without pay. The manager is {who}, {phone}.",
        "An ad at {url} offers jobs that look like trafficking. Contact on the ad is {email}.",
    ),
    "counterfeit_goods": (
        "The website {url} sells fake {mark} {product}. Payments go to {btc}. The seller is {who}.",
        "{who} sells counterfeit {mark} {product} from a storage unit in {place}. Call {phone}.",
        "Fake {mark} {product} are sold as real on {url}; the seller email is {email}.",
        "A company, {company}, imports replica {mark} {product} and ships them from {place}.",
        "I bought {mark} {product} from {user} and they are counterfeit. Paid via {eth}.",
    ),
    "narcotics_smuggling": (
        "Drugs are coming in on the {vessel} and picked up by {who} in {place}.",
        "{who} moves narcotics hidden in produce trucks, {plate}, through {place}. Phone {phone}.",
        "A package shipment to {place} contains pills pressed to look like medicine. Buyer contact {email}.",
        "I overheard {who} talk about a load arriving on the {vessel} next week. Number {phone}.",
    ),
    "weapons_export_control": (
        "{who} buys rifle parts in {place} and ships them abroad labeled as auto parts. Phone {phone}.",
        "A firm, {company}, exports controlled electronics without a license. Contact {email}.",
        "Someone sells firearm accessories overseas through {url}; payment to {btc}.",
    ),
    "money_laundering": (
        "{who} moves cash through several shell companies including {company}. Crypto wallet {btc}.",
        "Large cash deposits from {place} go to wallet {eth}, then to {company}. Contact {email}.",
        "I think {company} launders money for a network; {who} handles the transfers. Phone {phone}.",
    ),
    "cyber_crime": (
        "I was scammed by {user}, who asked for payment to {btc}. Their site is {url}.",
        "A phishing site {url} copies a government page. Victims pay to {eth}.",
        "Ransomware demand came from {email}; they want payment to {btc}.",
        "An online seller {user} takes payment and never ships; email {email}, phone {phone}.",
    ),
    "other": (
        "Something suspicious is happening at {place}; trucks come and go at night. Contact {who}, {phone}.",
        "I want to report {who} for possible customs fraud. Email {email}.",
        "Suspicious packages are delivered daily to an address in {place}.",
    ),
}
VIRAL_TEMPLATES: tuple[str, ...] = (
    "This post is going around everywhere: {url} by {user}. Please investigate.",
    "Saw this shared many times today: {url} (account {user}).",
    "Reporting the viral post {url} from {user}. Everyone in my feed is sharing it.",
    "The account {user} posted {url} and it has thousands of shares. It should be removed.",
    "{user} {url} - please look at this, it keeps showing up.",
)
OPENERS = ("", "", "Hello, ", "Hi. ", "I want to report this. ", "Anonymous tip: ", "To whom it may concern: ",
           "Please help. ", "Not sure who to tell, but ")
CLOSERS = ("", "", " Thank you.", " Please look into this.", " I can provide more information.",
           " This has been going on for months.", " I am afraid to give my name.", " Please act quickly.")


def paraphrase(rng: np.random.Generator, template: str, slots: dict[str, str]) -> str:
    """One telling of an event: opener, template, closer, and the slips people make when typing."""
    text = pick(rng, OPENERS) + template.format(**slots) + pick(rng, CLOSERS)
    r = rng.random()
    if r < 0.10:
        text = text.lower()
    elif r < 0.13:
        text = text.upper()
    if rng.random() < 0.15:
        words = text.split(" ")
        i = int(rng.integers(len(words)))
        if not any(ch.isdigit() or ch in "@:/" for ch in words[i]):  # keep identifiers intact
            words[i] = typo(rng, words[i])
        text = " ".join(words)
    return text
