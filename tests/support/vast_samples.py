# ruff: noqa: E501  VAST samples keep the long lines the specification's examples have
"""VAST documents written here from the IAB VAST 2.0, 3.0 and 4.x specifications' element
tables, for the parser and resolver tests. `{next}` in a wrapper is the next hop's URL."""

from __future__ import annotations

INLINE_4 = """<?xml version="1.0" encoding="UTF-8"?>
<VAST version="4.1" xmlns="http://www.iab.com/VAST">
  <Ad id="20001" sequence="1">
    <InLine>
      <AdSystem version="4.0">iabtechlab</AdSystem>
      <Error><![CDATA[https://example.com/error?code=[ERRORCODE]]]></Error>
      <Impression id="Impression-ID"><![CDATA[https://example.com/track/impression]]></Impression>
      <AdServingId>a532d16d-4d7f-4440-bd29-2ec0e693fc80</AdServingId>
      <AdTitle>iabtechlab video ad</AdTitle>
      <Creatives>
        <Creative id="5480" sequence="1" adId="2447226">
          <UniversalAdId idRegistry="Ad-ID">8465</UniversalAdId>
          <Linear skipoffset="00:00:05">
            <Duration>00:00:16.000</Duration>
            <TrackingEvents>
              <Tracking event="start"><![CDATA[https://example.com/tracking/start]]></Tracking>
              <Tracking event="firstQuartile"><![CDATA[https://example.com/tracking/q1]]></Tracking>
              <Tracking event="midpoint"><![CDATA[https://example.com/tracking/mid]]></Tracking>
              <Tracking event="thirdQuartile"><![CDATA[https://example.com/tracking/q3]]></Tracking>
              <Tracking event="complete"><![CDATA[https://example.com/tracking/complete]]></Tracking>
              <Tracking event="progress" offset="00:00:10"><![CDATA[https://example.com/tracking/10s]]></Tracking>
              <Tracking event="progress" offset="25%"><![CDATA[https://example.com/tracking/25pc]]></Tracking>
              <Tracking event="skip"><![CDATA[https://example.com/tracking/skip]]></Tracking>
            </TrackingEvents>
            <VideoClicks>
              <ClickThrough id="blog"><![CDATA[https://iabtechlab.com]]></ClickThrough>
              <ClickTracking><![CDATA[https://example.com/tracking/click]]></ClickTracking>
            </VideoClicks>
            <MediaFiles>
              <MediaFile id="5241" delivery="progressive" type="video/mp4" bitrate="2000" width="1280" height="720" minBitrate="1500" maxBitrate="2500" scalable="1" maintainAspectRatio="1" codec="avc1.4D401F">
                <![CDATA[https://iab-publicfiles.s3.amazonaws.com/vast/VAST-4.0-Short-Intro.mp4]]>
              </MediaFile>
              <MediaFile id="5244" delivery="progressive" type="video/mp4" bitrate="1000" width="854" height="480" codec="avc1.4D401E">
                <![CDATA[https://iab-publicfiles.s3.amazonaws.com/vast/VAST-4.0-Short-Intro-mobile.mp4]]>
              </MediaFile>
              <MediaFile id="5246" delivery="progressive" type="video/webm" bitrate="600" width="640" height="360" codec="vp9">
                <![CDATA[https://example.com/ad-360.webm]]>
              </MediaFile>
              <MediaFile id="5247" delivery="streaming" type="application/x-mpegURL" width="1920" height="1080">
                <![CDATA[https://example.com/ad.m3u8]]>
              </MediaFile>
              <Mezzanine delivery="progressive" type="video/mp4" width="1920" height="1080"><![CDATA[https://example.com/mezz.mp4]]></Mezzanine>
            </MediaFiles>
          </Linear>
        </Creative>
        <Creative id="5481" sequence="2">
          <CompanionAds>
            <Companion id="1232" width="300" height="250">
              <StaticResource creativeType="image/png"><![CDATA[https://example.com/companion.png]]></StaticResource>
              <CompanionClickThrough><![CDATA[https://iabtechlab.com]]></CompanionClickThrough>
            </Companion>
          </CompanionAds>
        </Creative>
      </Creatives>
      <Extensions><Extension type="iab-Count"><total_available><![CDATA[ 2 ]]></total_available></Extension></Extensions>
    </InLine>
  </Ad>
</VAST>
"""

# VAST 2.0: no namespace, no skipoffset, no codec; Duration without milliseconds.
INLINE_2 = """<?xml version="1.0" encoding="UTF-8"?>
<VAST version="2.0">
  <Ad id="preroll-1">
    <InLine>
      <AdSystem>2.0</AdSystem>
      <AdTitle>5748406</AdTitle>
      <Error>http://example.com/v2/error</Error>
      <Impression>http://example.com/v2/imp</Impression>
      <Creatives>
        <Creative>
          <Linear>
            <Duration>00:00:30</Duration>
            <TrackingEvents>
              <Tracking event="creativeView">http://example.com/v2/view</Tracking>
              <Tracking event="start">http://example.com/v2/start</Tracking>
              <Tracking event="close">http://example.com/v2/close</Tracking>
            </TrackingEvents>
            <VideoClicks><ClickThrough>http://example.com/v2/landing</ClickThrough></VideoClicks>
            <MediaFiles>
              <MediaFile delivery="progressive" bitrate="400" width="640" height="360" type="video/x-flv">http://example.com/v2/ad.flv</MediaFile>
              <MediaFile delivery="progressive" bitrate="400" width="640" height="360" type="video/mp4">http://example.com/v2/ad.mp4</MediaFile>
            </MediaFiles>
          </Linear>
        </Creative>
        <Creative>
          <NonLinearAds>
            <NonLinear width="300" height="50"><StaticResource creativeType="image/png">http://example.com/v2/overlay.png</StaticResource></NonLinear>
          </NonLinearAds>
        </Creative>
      </Creatives>
    </InLine>
  </Ad>
</VAST>
"""

# VAST 3.0: skipoffset as a percentage, a pod of two ads out of order plus a standalone one.
POD_3 = """<VAST version="3.0">
  <Ad id="standalone">
    <InLine><AdSystem>x</AdSystem><AdTitle>standalone</AdTitle><Impression>https://example.com/s</Impression>
      <Creatives><Creative><Linear><Duration>00:00:10</Duration>
        <MediaFiles><MediaFile delivery="progressive" type="video/mp4" width="640" height="360">https://example.com/standalone.mp4</MediaFile></MediaFiles>
      </Linear></Creative></Creatives></InLine>
  </Ad>
  <Ad id="second" sequence="2">
    <InLine><AdSystem>x</AdSystem><AdTitle>second</AdTitle><Impression>https://example.com/2</Impression>
      <Creatives><Creative><Linear><Duration>00:00:10</Duration>
        <MediaFiles><MediaFile delivery="progressive" type="video/mp4" width="640" height="360">https://example.com/second.mp4</MediaFile></MediaFiles>
      </Linear></Creative></Creatives></InLine>
  </Ad>
  <Ad id="first" sequence="1">
    <InLine><AdSystem>x</AdSystem><AdTitle>first</AdTitle><Impression>https://example.com/1</Impression>
      <Creatives>
        <Creative sequence="2"><Linear skipoffset="50%"><Duration>00:00:20</Duration>
          <MediaFiles><MediaFile delivery="progressive" type="video/mp4" width="640" height="360">https://example.com/first-b.mp4</MediaFile></MediaFiles>
        </Linear></Creative>
        <Creative sequence="1"><Linear skipoffset="25%"><Duration>00:00:20</Duration>
          <MediaFiles><MediaFile delivery="progressive" type="video/mp4" width="640" height="360">https://example.com/first-a.mp4</MediaFile></MediaFiles>
        </Linear></Creative>
      </Creatives></InLine>
  </Ad>
</VAST>
"""


def wrapper(next_url: str, name: str, *, version: str = "3.0", follow: str = "") -> str:
    """A Wrapper ad pointing at next_url, with trackers named after `name`."""
    attribute = f' followAdditionalWrappers="{follow}"' if follow else ""
    return f"""<VAST version="{version}">
  <Ad id="{name}">
    <Wrapper{attribute}>
      <AdSystem>{name}</AdSystem>
      <VASTAdTagURI><![CDATA[{next_url}]]></VASTAdTagURI>
      <Error><![CDATA[{{base}}/err/{name}?code=[ERRORCODE]]]></Error>
      <Impression><![CDATA[https://example.com/{name}/imp]]></Impression>
      <Creatives><Creative><Linear>
        <TrackingEvents><Tracking event="start"><![CDATA[https://example.com/{name}/start]]></Tracking></TrackingEvents>
        <VideoClicks><ClickTracking><![CDATA[https://example.com/{name}/click]]></ClickTracking></VideoClicks>
      </Linear></Creative></Creatives>
    </Wrapper>
  </Ad>
</VAST>
"""


EMPTY = '<VAST version="4.2"/>'
EMPTY_WITH_ERROR = (
    '<VAST version="3.0"><Error><![CDATA[{base}/err/empty?code=[ERRORCODE]]]></Error></VAST>'
)
