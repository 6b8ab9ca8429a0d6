"""Progressive renditions: a file that needs a transcode is watchable within seconds.

`rungs` picks the size and preset an encoder makes faster than real time, `encoder_run` runs
one ffmpeg from a segment onwards, `slots` caps the encoders a machine runs, `supervisor`
starts and stops runs where viewers are and stores each finished segment, `playlist` is what
players read, `cleanup` removes a rendition once the final MP4 replaced it.
"""
