"""The social security card photo (Qt-free): the rules, face detection, and making one.

- :mod:`kiosk.photo.rules`: :func:`~kiosk.photo.rules.check` reports every rule
  of the card photo (JPEG, 358 x 441 px, 14-40 KB, 350 dpi, no metadata, one
  face and its geometry, white background, no border, nothing after EOI);
- :mod:`kiosk.photo.detect`: faces with OpenCV's bundled Haar cascade;
- :mod:`kiosk.photo.make`: :func:`~kiosk.photo.make.make` turns an ordinary
  portrait into a compliant file, or raises
  :class:`~kiosk.photo.make.PhotoRefused` with the rule it cannot meet.
"""
