"""A stand-in for the parts of Telethon's `events.NewMessage.Event` the `/leech` handler uses.

What each piece stands for (Telethon 1.x, https://docs.telethon.dev/en/stable/modules/events.html):

- `event.sender_id`: the Telegram user id of who sent the message (an int).
- `event.raw_text`: the message text without formatting entities, as the user typed it.
- `await event.reply(text)`: sends `text` to the same chat as a reply to the event's message
  and returns the sent `Message`, whose `.text` is what was sent (the bot sets
  `client.parse_mode = None`, so text goes out and comes back as it is).
- `await message.edit(text)`: changes the text the chat shows for that message and returns
  the edited `Message`. Telegram trims surrounding whitespace, refuses an edit that would
  leave the text as it is with MESSAGE_NOT_MODIFIED (`MessageNotModifiedError`), and a text
  over 4096 characters with MESSAGE_TOO_LONG (`MessageTooLongError`); the double does the same.

Simplification: in Telethon the object `edit` is called on keeps its old `.text` (the edit
returns a new Message); here one `FakeMessage` is the message as the chat shows it, and
`edits` lists every accepted edit in order, `refused_edits` every edit Telegram would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from telethon.errors import MessageNotModifiedError, MessageTooLongError

MESSAGE_LIMIT = 4096


@dataclass
class FakeMessage:
    text: str
    edits: list[str] = field(default_factory=list)
    refused_edits: list[str] = field(default_factory=list)

    async def edit(self, text: str) -> FakeMessage:
        text = text.strip()
        if len(text) > MESSAGE_LIMIT:
            self.refused_edits.append(text)
            raise MessageTooLongError(request=None)
        if text == self.text:
            self.refused_edits.append(text)
            raise MessageNotModifiedError(request=None)
        self.text = text
        self.edits.append(text)
        return self


@dataclass
class FakeEvent:
    raw_text: str
    sender_id: int
    replies: list[FakeMessage] = field(default_factory=list)

    async def reply(self, text: str) -> FakeMessage:
        text = text.strip()
        if not text or len(text) > MESSAGE_LIMIT:
            raise MessageTooLongError(request=None) if text else ValueError("empty message")
        message = FakeMessage(text)
        self.replies.append(message)
        return message

    @property
    def reply_texts(self) -> list[str]:
        return [message.text for message in self.replies]
