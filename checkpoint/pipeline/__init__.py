"""The kiosk's screening pipeline: frames and a document page in, CLEAR or REFER with reasons and evidence out."""
