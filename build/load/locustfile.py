"""Load test of the Chatbot API (the original service's mix), for Locust 2.x (Debian's python3-locust).

Users (picked by weight):
  ChatbotUser (weight 10): waits 1-3 s between tasks; about 90% questions from a list, 5% health checks,
                           and the edge cases: empty text (must give 422) and 1000-character text (200).
  RapidUser   (weight 1):  no wait at all, questions only: the few clients that hammer the service.
  ScaleUser   one question after another with no wait, for the scale scenario (N users = N concurrent
                           requests). build/load/run.sh names the classes of each scenario on the command
                           line: ChatbotUser RapidUser for quick/heavy/stress, ScaleUser for scale.

Every answer is checked: a 200 must carry {"text": "..."}, an error must be problem+json with status.
Run it through build/load/run.sh, or by hand:
  locust -f build/load/locustfile.py --headless -u 10 -r 5 -t 30s --host http://127.0.0.1:8000
"""

import json
import random

from locust import FastHttpUser, between, constant, task

QUESTIONS = [
    "What is the capital of France?",
    "Explain quantum computing in simple terms.",
    "What are the benefits of renewable energy?",
    "How does machine learning work?",
    "What is the meaning of life?",
    "Tell me a joke about programming.",
    "What is the difference between Python and JavaScript?",
    "How do I make a good cup of coffee?",
    "What are the main causes of climate change?",
    "Explain the theory of relativity.",
    "What is the best way to learn a new language?",
    "How does the internet work?",
    "What are black holes?",
    "Give me three tips for better sleep.",
    "What is photosynthesis?",
    "Hello! How are you?",
    "Summarise the plot of Hamlet in two sentences.",
    "Why is the sky blue?",
    "What is an API?",
    "Translate 'good morning' into Spanish, French and German.",
]

LONG_TEXT = ("This is a long question about many things. " * 30)[:1000]
JSON_HEADERS = {"Content-Type": "application/json"}


def ask(client, text, expected=200, name="/question"):
    """POST /question and check the status and the body's shape."""
    with client.post(
        "/question",
        data=json.dumps({"text": text}),
        headers=JSON_HEADERS,
        name=name,
        catch_response=True,
    ) as response:
        if response.status_code != expected:
            response.failure(f"expected {expected}, got {response.status_code}: {(response.text or '')[:200]}")
            return
        try:
            body = response.json()
        except ValueError:
            response.failure(f"not JSON: {(response.text or '')[:200]}")
            return
        if expected == 200:
            if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"]:
                response.failure(f"no answer text: {body}")
                return
        elif not isinstance(body, dict) or body.get("status") != expected:
            response.failure(f"not a problem+json with status {expected}: {body}")
            return
        response.success()


class ChatbotUser(FastHttpUser):
    """An ordinary client: thinks 1-3 s between requests."""

    weight = 10
    wait_time = between(1, 3)

    @task(90)
    def question(self):
        ask(self.client, random.choice(QUESTIONS))

    @task(5)
    def health(self):
        with self.client.get("/health", name="/health", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"expected 200, got {response.status_code}")
            elif (response.json() or {}).get("status") != "healthy":
                response.failure(f"not healthy: {response.text[:200]}")
            else:
                response.success()

    @task(3)
    def empty_text(self):
        ask(self.client, "", expected=422, name="/question [empty: 422]")

    @task(2)
    def long_text(self):
        ask(self.client, LONG_TEXT, name="/question [1000 chars]")


class RapidUser(FastHttpUser):
    """A client that never waits."""

    weight = 1
    wait_time = constant(0)

    @task
    def question(self):
        ask(self.client, random.choice(QUESTIONS), name="/question [rapid]")


class ScaleUser(FastHttpUser):
    """The scale scenario: each user keeps exactly one question in flight."""

    wait_time = constant(0)
    # Under a 2 s upstream and 1,000 users, answers take a little over 2 s.
    network_timeout = 30.0
    connection_timeout = 10.0

    @task
    def question(self):
        ask(self.client, random.choice(QUESTIONS))
