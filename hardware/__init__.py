"""Everything that talks to devices or capture libraries: picamera2, gpiozero, OpenCV capture."""
