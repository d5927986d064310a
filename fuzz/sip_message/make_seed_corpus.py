#!/usr/bin/python3
"""Writes the seed corpus of sip_message_fuzzer (fuzz/corpus/sip_message_fuzzer).

The rfc4475_* files are RFC 4475 torture messages as published (CRLF line
ends; <hex> escapes of the RFC written as the bytes they stand for, its
<repeat> tags written out); the ones marked "after" in NOTES are
reconstructed from the RFC's description where the exact text was not at
hand. tests/sip/torture_test.cc reads these
files and asserts the RFC's verdict for each; sip_osip_crosscheck_test parses
the valid ones with osip2 too. The others are typical messages of sipp and
baresip style, and a TCP stream for the framer.

Usage: /usr/bin/python3 fuzz/sip_message/make_seed_corpus.py
"""
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "sip_message_fuzzer")

SDP_150 = ("v=0\r\no=mhandley 29739 7272939 IN IP4 192.0.2.3\r\ns=-\r\nc=IN IP4 192.0.2.4\r\n"
           "t=0 0\r\nm=audio 49217 RTP/AVP 0 12\r\nm=video 3227 RTP/AVP 31\r\na=rtpmap:31 LPC\r\n")


def sdp(host):
    return ("v=0\r\no=mhandley 29739 7272939 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio 49217 RTP/AVP 0 12\r\nm=video 3227 RTP/AVP 31\r\na=rtpmap:31 LPC\r\n" % (host, host))


def msg(lines, body=""):
    """CRLF-joined header lines, an empty line, the body; %LEN% becomes the
    body's length in bytes."""
    head = "\r\n".join(lines).replace("%LEN%", str(len(body.encode("utf-8"))))
    return (head + "\r\n\r\n" + body).encode("utf-8")


MESSAGES = {}

# 3.1.1.1 A Short Tortuous INVITE
MESSAGES["rfc4475_wsinv"] = msg([
    "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0",
    "TO :",
    " sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n",
    'from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>',
    "  ;",
    "  tag = 98asjd8",
    "MaX-fOrWaRdS: 0068",
    "Call-ID: wsinv.ndaksdj@192.0.2.1",
    "Content-Length   : 150",
    "cseq: 0009",
    "  INVITE",
    "Via  : SIP  /   2.0",
    " /UDP",
    "    192.0.2.2;branch=390skdjuw",
    "s :",
    "NewFangledHeader:   newfangled value",
    " continued newfangled value",
    "UnknownHeaderWithUnusualValue: ;;,,;;,;",
    "Content-Type: application/sdp",
    "Route:",
    " <sip:services.example.com;lr;unknownwith=value;unknown-no-value>",
    "v:  SIP  / 2.0  / TCP     spindle.example.com   ;",
    "  branch  =   z9hG4bK9ikj8  ,",
    " SIP  /    2.0   / UDP  192.168.255.111   ; branch=",
    " z9hG4bK30239",
    'm:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =',
    "      newvalue ;",
    "  secondparam ; q = 0.33",
], SDP_150)

# 3.1.1.2 Wide Range of Valid Characters
MESSAGES["rfc4475_intmeth"] = ("\r\n".join([
    "!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"
    ":&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0",
    "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~",
    'To: "BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" <sip:1_unusual.URI~(to-be!sure)&isn\'t+it$/crazy?,/;;*@example.com>',
    "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%="
    '"\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439";tag=_token~1\'+`*%!-.',
    "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{",
    "CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~",
    "Max-Forwards: 255",
    "extensionHeader-!.%*+_`'~:\ufeff\u5927\u505c\u96fb",
    "Content-Length: 0",
]) + "\r\n\r\n").encode("utf-8")

# 3.1.1.3 Valid Use of the % Escaping Mechanism
MESSAGES["rfc4475_esc01"] = msg([
    "INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0",
    "To: sip:%75se%72@example.com",
    "From: <sip:I%20have%20spaces@example.net>;tag=938",
    "Max-Forwards: 87",
    "i: esc01.239409asdfakjkn23onasd0-3234",
    "CSeq: 234234 INVITE",
    "Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw",
    "C: application/sdp",
    "Contact:",
    "  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>",
    "Content-Length: %LEN%",
], sdp("192.0.2.1"))

# 3.1.1.4 Escaped Nulls in URIs
MESSAGES["rfc4475_escnull"] = msg([
    "REGISTER sip:example.com SIP/2.0",
    "To: sip:null-%00-null@example.com",
    "From: sip:null-%00-null@example.com;tag=839923423",
    "Max-Forwards: 70",
    "Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd",
    "CSeq: 14398234 REGISTER",
    "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw",
    "Contact: <sip:%00@host5.example.com>",
    "Contact: <sip:%00%00@host5.example.com>",
    "L:0",
])

# 3.1.1.6 Message with No LWS between Display Name and <
MESSAGES["rfc4475_lwsdisp"] = msg([
    "OPTIONS sip:user@example.com SIP/2.0",
    "To: sip:user@example.com",
    "From: caller<sip:caller@example.com>;tag=323",
    "Max-Forwards: 70",
    "Call-ID: lwsdisp.1234abcd@funky.example.com",
    "CSeq: 60 OPTIONS",
    "Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw",
    "l: 0",
])

# 3.1.1.7 Long Values in Header Fields (the RFC's <repeat count=N> written out)
MESSAGES["rfc4475_longreq"] = msg([
    "INVITE sip:user@example.com SIP/2.0",
    'To: "I have a user name of ' + "extreme" * 10 + ' proportion"<sip:user@example.com:6000;unknownparam1=very'
    + "long" * 20 + "value;longparam" + "name" * 25 + "=shortvalue;very" + "long" * 25 + "ParameterNameWithNoValue>",
    "F: sip:" + "amazinglylongcallername" * 5 + "@example.net;tag=12" + "982" * 50 + "424;unknownheaderparam"
    + "name" * 20 + "=unknowheaderparam" + "value" * 15 + ";unknownValueless" + "paramname" * 10,
    "Call-ID: longreq.one" + "really" * 20 + "longcallid",
    "CSeq: 3882340 INVITE",
    "Unknown-" + "Long" * 20 + "-Name: unknown-" + "long" * 20 + "-value; unknown-" + "long" * 20
    + "-parameter-name = unknown-" + "long" * 20 + "-parameter-value",
    "Via: SIP/2.0/TCP sip33.example.com",
    "v: SIP/2.0/TCP sip32.example.com",
    "V: SIP/2.0/TCP sip31.example.com",
    "Via: SIP/2.0/TCP sip30.example.com",
    "ViA: SIP/2.0/TCP sip29.example.com",
    "VIa: SIP/2.0/TCP sip28.example.com",
    "VIA: SIP/2.0/TCP sip27.example.com",
    "via: SIP/2.0/TCP sip26.example.com",
    "viA: SIP/2.0/TCP sip25.example.com",
    "vIa: SIP/2.0/TCP sip24.example.com",
    "vIA: SIP/2.0/TCP sip23.example.com",
    "V :  SIP/2.0/TCP sip22.example.com",
    "v :  SIP/2.0/TCP sip21.example.com",
    "V  : SIP/2.0/TCP sip20.example.com",
    "v  : SIP/2.0/TCP sip19.example.com",
    "Via : SIP/2.0/TCP sip18.example.com",
    "Via  : SIP/2.0/TCP sip17.example.com",
] + ["Via: SIP/2.0/TCP sip%d.example.com" % n for n in range(16, 0, -1)] + [
    "Via: SIP/2.0/TCP host.example.com;received=192.0.2.5;branch=very" + "long" * 50 + "branchvalue",
    "Max-Forwards: 70",
    "Contact: <sip:" + "amazinglylongcallername" * 5 + "@host5.example.net>",
    "Content-Type: application/sdp",
    "l: 150",
], sdp("192.0.2.1"))

# 3.1.1.8 Extra Trailing Octets in a UDP Datagram
MESSAGES["rfc4475_dblreq"] = msg([
    "REGISTER sip:example.com SIP/2.0",
    "To: sip:j.user@example.com",
    "From: sip:j.user@example.com;tag=43251j3j324",
    "Max-Forwards: 8",
    "I: dblreq.0ha0isndaksdj99sdfafnl3lk233412",
    "Contact: sip:j.user@host.example.com",
    "CSeq: 8 REGISTER",
    "Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492",
    "Content-Length: 0",
], "\r\n".join([
    "INVITE sip:joe@example.com SIP/2.0",
    "t: sip:joe@example.com",
    "From: sip:caller@example.net;tag=141334",
    "Max-Forwards: 8",
    "Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15",
    "CSeq: 8 INVITE",
    "Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234",
    "Content-Type: application/sdp",
    "Content-Length: 150",
    "", ""]) + sdp("192.0.2.15"))

# 3.1.1.9 Semicolon-Separated Parameters in URI User Part
MESSAGES["rfc4475_semiuri"] = msg([
    "OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0",
    "To: sip:j_user@example.com",
    "From: sip:caller@example.org;tag=33242",
    "Max-Forwards: 3",
    "Call-ID: semiuri.0ha0isndaksdj",
    "CSeq: 8 OPTIONS",
    "Accept: application/sdp, application/pkcs7-mime,",
    "        multipart/mixed, multipart/signed,",
    "        message/sip, message/sipfrag",
    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw",
    "l: 0",
])

# 3.1.1.10 Varied and Unknown Transport Types
MESSAGES["rfc4475_transports"] = msg([
    "OPTIONS sip:user@example.com SIP/2.0",
    "To: sip:user@example.com",
    "From: <sip:caller@example.com>;tag=323",
    "Max-Forwards: 70",
    "Call-ID:  transports.kijh4akdnaqjkwendsasfdj",
    "Accept: application/sdp",
    "CSeq: 60 OPTIONS",
    "Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw",
    "Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf",
    "Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj",
    "Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en",
    "Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee",
    "l: 0",
])

# 3.1.1.11 Multipart MIME Message: the second body part is binary, the RFC's
# <hex> block written out as the bytes it stands for (a DER-encoded PKCS#7
# SignedData, 30 82 01 52: 342 bytes with NULs, bare CRs and bare LFs).
MPART01_DER = bytes.fromhex(
    "3082015206092A86"
    "4886F70D010702A08201433082013F02"
    "01013109300706052B0E03021A300B06"
    "092A864886F70D010701318201203082"
    "011C020101307C3070310B3009060355"
    "04061302555331133011060355040813"
    "0A43616C69666F726E69613111300F06"
    "03550407130853616E204A6F7365310E"
    "300C060355040A130573697069743129"
    "3027060355040B132053697069742054"
    "65737420436572746966696361746520"
    "417574686F7269747902080195007102"
    "330113300706052B0E03021A300D0609"
    "2A864886F70D01010105000481808EF4"
    "66F948F0522DD2E5978E9D95AAE9F2FE"
    "15A06659716292E8DA2AA8D8350A68CE"
    "FFAE3CBD2BFF1675DDD5648E593DD647"
    "28F26220F7E941749E330D9A15EDABDB"
    "93D10C42102E7B7289D29CC0C9AE2EFB"
    "C7C0CFF9172F3B027E4FC027E1546DE4"
    "B6AA3ABB3E66CCCB5DD6C64B8383149C"
    "B8E6FF182D944FE57B65BC99D005")
MPART01_BODY = (b"--7a9cbec02ceef655\r\n"
                b"Content-Type: text/plain\r\n"
                b"Content-Transfer-Encoding: binary\r\n"
                b"\r\n"
                b"Hello\r\n"
                b"--7a9cbec02ceef655\r\n"
                b"Content-Type: application/octet-stream\r\n"
                b"Content-Transfer-Encoding: binary\r\n"
                b"\r\n" + MPART01_DER + b"\r\n"
                b"--7a9cbec02ceef655--\r\n")
assert len(MPART01_DER) == 342 and len(MPART01_BODY) == 553
MESSAGES["rfc4475_mpart01"] = msg([
    "MESSAGE sip:kumiko@example.org SIP/2.0",
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport",
    "Max-Forwards: 70",
    "Route: <sip:127.0.0.1:5080>",
    "Identity: r5mwreLuyDRYBi/0TiPwEsY3rEVsk/G2WxhgTV1PF7hHuLIK0YWVKZhKv9Mj8UeXqkMVbnVq37CD+813gvYjcBUaZngQmXc9WNZ"
    "SDNGCzA+fWl9MEUHWIZo1CeJebdY/XlgKeTa0Olvq0rt70Q5jiSfbqMJmQFteeivUhkMWYUA=",
    "Contact: <sip:fluffy@127.0.0.1:5070>",
    "To: <sip:kumiko@example.org>",
    "From: <sip:fluffy@example.com>;tag=2fb0dcc9",
    "Call-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..",
    "CSeq: 1 MESSAGE",
    "Content-Transfer-Encoding: binary",
    "Content-Type: multipart/mixed;boundary=7a9cbec02ceef655",
    "Date: Sat, 15 Oct 2005 04:44:56 GMT",
    "User-Agent: SIPimp.org/0.2.5 (curses)",
    "Content-Length: 553",
]) + MPART01_BODY

# 3.1.1.12 Unusual Reason Phrase
MESSAGES["rfc4475_unreason"] = msg([
    "SIP/2.0 200 = 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e \u0434\u0435\u0432\u044f\u043d\u043e\u0441\u0442\u043e"
    " \u0434\u0435\u0432\u044f\u0442\u044c - \u043f\u0440\u043e\u0441\u0442\u043e\u0435",
    "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923",
    "Call-ID: unreason.1234ksdfak3j2erwedfsASdf",
    "CSeq: 35 INVITE",
    "From: sip:user@example.com;tag=11141343",
    "To: sip:user@example.edu;tag=2229",
    "Content-Length: %LEN%",
    "Content-Type: application/sdp",
    "Contact: <sip:user@host198.example.com>",
], sdp("192.0.2.198"))

# 3.1.1.13 Empty Reason Phrase
MESSAGES["rfc4475_noreason"] = msg([
    "SIP/2.0 100 ",
    "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe",
    "Call-ID: noreason.asndj203insdf99223ndf",
    "CSeq: 35 INVITE",
    "From: <sip:user@example.com>;tag=39ansfi3",
    "To: <sip:user@example.edu>;tag=902jndnke3",
    "Content-Length: 0",
    "Contact: <sip:user@host105.example.com>",
])

# --- Invalid messages (3.1.2) ---
# 3.1.2.1 Extraneous Header Field Separators
MESSAGES["rfc4475_badinv01"] = msg([
    "INVITE sip:user@example.com SIP/2.0",
    "To: sip:j.user@example.com",
    "From: sip:caller@example.net;tag=134161461246",
    "Max-Forwards: 7",
    "Call-ID: badinv01.0ha0isndaksdjasdf3234nas",
    "CSeq: 8 INVITE",
    "Via: SIP/2.0/UDP 192.0.2.15;;,;,,",
    'Contact: "Joe" <sip:joe@example.org>;;;;',
    "Content-Length: 152",
    "Content-Type: application/sdp",
], sdp("192.0.2.15"))

# 3.1.2.2 Content Length Larger Than Message
MESSAGES["rfc4475_clerr"] = msg([
    "INVITE sip:user@example.com SIP/2.0",
    "Max-Forwards: 80",
    "To: sip:j.user@example.com",
    "From: sip:caller@example.net;tag=93942939o2",
    "Contact: <sip:caller@hungry.example.net>",
    "Call-ID: clerr.0ha0isndaksdjweiafasdk3",
    "CSeq: 8 INVITE",
    "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523",
    "Content-Type: application/sdp",
    "Content-Length: 9999",
], sdp("192.0.2.155"))

# 3.1.2.3 Negative Content-Length
MESSAGES["rfc4475_ncl"] = msg([
    "INVITE sip:user@example.com SIP/2.0",
    "Max-Forwards: 254",
    "To: sip:j.user@example.com",
    "From: sip:caller@example.net;tag=32394234",
    "Call-ID: ncl.0ha0isndaksdj2193423r542w35",
    "CSeq: 0 INVITE",
    "Via: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw",
    "Contact: <sip:caller@example53.example.net>",
    "Content-Type: application/sdp",
    "Content-Length: -999",
], sdp("192.0.2.53"))

# 3.1.2.4 Request Scalar Fields with Overlarge Values
MESSAGES["rfc4475_scalar02"] = msg([
    "REGISTER sip:example.com SIP/2.0",
    "Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3",
    "To: <sip:user@example.com>",
    "From: <sip:user@example.com>;tag=239232jh3",
    "CSeq: 36893488147419103232 REGISTER",
    "Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32",
    "Max-Forwards: 300",
    "Expires: 1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "Contact: <sip:user@host129.example.com>",
    "  ;expires=280297596632815",
    "Content-Length: 0",
])

# 3.1.2.5 Response Scalar Fields with Overlarge Values
MESSAGES["rfc4475_scalarlg"] = msg([
    "SIP/2.0 503 Service Unavailable",
    "Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129",
    "To: <sip:user@example.com>",
    "From: <sip:other@example.net>;tag=2easdjfejw",
    "CSeq: 9292394834772304023312 OPTIONS",
    "Call-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r",
    "Retry-After: 949302838503028349304023988",
    "Warning: 1812 overture \"In Progress\"",
    "Content-Length: 0",
])

# 3.1.2.6 Unterminated Quoted String in Display Name (after the RFC)
MESSAGES["rfc4475_quotbal"] = msg([
    "INVITE sip:user@example.com SIP/2.0",
    "To: \"Mr. J. User <sip:j.user@example.com>",
    "From: sip:caller@example.net;tag=93334",
    "Max-Forwards: 10",
    "Call-ID: quotbal.aksdj",
    "Contact: <sip:caller@host59.example.net>",
    "CSeq: 8 INVITE",
    "Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234",
    "Content-Type: application/sdp",
    "Content-Length: %LEN%",
], sdp("192.0.2.15"))

# 3.1.2.7 <> Enclosing Request-URI
MESSAGES["rfc4475_ltgtruri"] = msg([
    "INVITE <sip:user@example.com> SIP/2.0",
    "To: sip:user@example.com",
    "From: sip:caller@example.net;tag=39291",
    "Max-Forwards: 23",
    "Call-ID: ltgtruri.1@192.0.2.5",
    "CSeq: 1 INVITE",
    "Via: SIP/2.0/UDP 192.0.2.5",
    "Contact: <sip:caller@host5.example.net>",
    "Content-Type: application/sdp",
    "Content-Length: %LEN%",
], sdp("192.0.2.5"))

# 3.1.2.8 Malformed SIP Request-URI (embedded LWS)
MESSAGES["rfc4475_lwsruri"] = msg([
    "INVITE sip:user@example.com; lr SIP/2.0",
    "To: sip:user@example.com;tag=3xfe-9921883-z9f",
    "From: sip:caller@example.net;tag=231413434",
    "Max-Forwards: 5",
    "Call-ID: lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423",
    "CSeq: 2130706432 INVITE",
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw2395",
    "Contact: <sip:caller@host1.example.net>",
    "Content-Type: application/sdp",
    "Content-Length: %LEN%",
], sdp("192.0.2.1"))

# 3.1.2.9 Multiple SP Separating Request-Line Elements
MESSAGES["rfc4475_lwsstart"] = msg([
    "INVITE  sip:user@example.com  SIP/2.0",
    "Max-Forwards: 8",
    "To: sip:user@example.com",
    "From: sip:caller@example.net;tag=8814",
    "Call-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com",
    "CSeq: 1893884 INVITE",
    "Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923",
    "Contact: <sip:caller@host1.example.net>",
    "Content-Type: application/sdp",
    "Content-Length: %LEN%",
], sdp("192.0.2.1"))

# 3.1.2.10 SP Characters at End of Request-Line
MESSAGES["rfc4475_trws"] = msg([
    "OPTIONS sip:remote-target@example.com SIP/2.0  ",
    "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK299342093",
    "To: <sip:remote-target@example.com>",
    "From: <sip:local-resource@example.com>;tag=329429089",
    "Call-ID: trws.oicu34958239neffasdhr2345r",
    "Accept: application/sdp",
    "CSeq: 238923 OPTIONS",
    "Max-Forwards: 70",
    "Content-Length: 0",
])

# 3.1.2.11 Escaped Headers in SIP Request-URI
MESSAGES["rfc4475_escruri"] = msg([
    "INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0",
    "To: sip:user@example.com",
    "From: sip:caller@example.net;tag=341518",
    "Max-Forwards: 7",
    "Contact: <sip:caller@host39923.example.net>",
    "Call-ID: escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5",
    "CSeq: 149209342 INVITE",
    "Via: SIP/2.0/UDP host-of-the-hour.example.com;branch=z9hG4bKkdjuw",
    "Content-Type: application/sdp",
    "Content-Length: %LEN%",
], sdp("192.0.2.1"))

# 3.1.2.15 Non-token Characters in Display Name (after the RFC)
MESSAGES["rfc4475_baddn"] = msg([
    "OPTIONS sip:t.watson@example.org SIP/2.0",
    "Via:     SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw",
    "Max-Forwards:      70",
    "From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43",
    "To:      Watson, Thomas <sip:t.watson@example.org>",
    "Call-ID: baddn.31415@c.example.com",
    "Accept: application/sdp",
    "CSeq:    3923239 OPTIONS",
    "l: 0",
])

# 3.1.2.16 Unknown Protocol Version
MESSAGES["rfc4475_badvers"] = msg([
    "OPTIONS sip:t.watson@example.org SIP/7.0",
    "Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw",
    "Max-Forwards:     70",
    "From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe",
    "To:      T. Watson <sip:t.watson@example.org>",
    "Call-ID: badvers.31417@c.example.com",
    "CSeq:    1 OPTIONS",
    "l: 0",
])

# 3.1.2.17 Start Line and CSeq Method Mismatch
MESSAGES["rfc4475_mismatch01"] = msg([
    "OPTIONS sip:user@example.com SIP/2.0",
    "To: sip:j.user@example.com",
    "From: sip:caller@example.net;tag=34525",
    "Max-Forwards: 6",
    "Call-ID: mismatch01.dj0234sxdfl3",
    "CSeq: 8 INVITE",
    "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw",
    "l: 0",
])

# 3.1.2.18 Unknown Method with CSeq Method Mismatch
MESSAGES["rfc4475_mismatch02"] = msg([
    "NEWMETHOD sip:user@example.com SIP/2.0",
    "To: sip:j.user@example.com",
    "From: sip:caller@example.net;tag=34525",
    "Max-Forwards: 6",
    "Call-ID: mismatch02.dj0234sxdfl3",
    "CSeq: 8 INVITE",
    "Contact: <sip:caller@host.example.net>",
    "Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw",
    "Content-Type: application/sdp",
    "l: %LEN%",
], sdp("192.0.2.1"))

# 3.1.2.19 Overlarge Response Code
MESSAGES["rfc4475_bigcode"] = msg([
    "SIP/2.0 4294967301 better not break the receiver",
    "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe",
    "Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i",
    "CSeq: 353494 INVITE",
    "From: <sip:user@example.com>;tag=39ansfi3",
    "To: <sip:user@example.edu>;tag=902jndnke3",
    "Content-Length: 0",
    "Contact: <sip:user@host105.example.com>",
])

# 3.3.1 Missing Transaction Identifier / 3.3.? Missing Required Header Fields
MESSAGES["rfc4475_insuf"] = msg([
    "INVITE sip:user@example.com SIP/2.0",
    "CSeq: 193942 INVITE",
    "Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf",
    "Content-Type: application/sdp",
    "l: %LEN%",
], sdp("192.0.2.95"))

# 3.3.2 Request-URI with Unknown Scheme
MESSAGES["rfc4475_unkscm"] = msg([
    "OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0",
    "To: sip:user@example.com",
    "From: sip:caller@example.net;tag=384",
    "Max-Forwards: 3",
    "Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34",
    "CSeq: 3923423 OPTIONS",
    "Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234",
    "Content-Length: 0",
])

# 3.3.5 Proxy-Require and Require
MESSAGES["rfc4475_bext01"] = msg([
    "OPTIONS sip:user@example.com SIP/2.0",
    "To: sip:j_user@example.com",
    "From: sip:caller@example.net;tag=242etr",
    "Max-Forwards: 6",
    "Call-ID: bext01.0ha0isndaksdj",
    "Require: nothingSupportsThis, nothingSupportsThisEither",
    "Proxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis",
    "CSeq: 8 OPTIONS",
    "Via: SIP/2.0/TLS fold-and-staple.example.com;branch=z9hG4bKkdjuw",
    "Content-Length: 0",
])

# 3.3.9 Multiple Values in Single Value Required Fields (after the RFC)
MESSAGES["rfc4475_multi01"] = msg([
    "INVITE sip:user@company.com SIP/2.0",
    "Contact: <sip:caller@host25.example.net>",
    "Via: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw",
    "Max-Forwards: 70",
    "CSeq: 5 INVITE",
    "Call-ID: multi01.98asdh@192.0.2.1",
    "CSeq: 59 INVITE",
    "Call-ID: multi01.98asdh@192.0.2.2",
    "From: sip:caller@example.com;tag=3413415",
    "To: sip:user@example.com",
    "To: sip:other@example.net",
    "From: sip:caller@example.net;tag=2923420123",
    "Content-Type: application/sdp",
    "l: %LEN%",
    "Contact: <sip:caller@host36.example.net>",
    "Max-Forwards: 5",
], sdp("192.0.2.25"))

# 3.3.10 200 OK Response with Broadcast Via Header Field Value
MESSAGES["rfc4475_bcast"] = msg([
    "SIP/2.0 200 OK",
    "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923",
    "Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23",
    "Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf",
    "CSeq: 35 INVITE",
    "From: sip:user@example.com;tag=11141343",
    "To: sip:user@example.edu;tag=2229",
    "Content-Length: 154",
    "Content-Type: application/sdp",
    "Contact: <sip:user@host28.example.com>",
], sdp("192.0.2.198"))

# RFC 5118 4.1, 4.4, 4.5: IPv6 references
MESSAGES["rfc5118_ipv6_register"] = msg([
    "REGISTER sip:[2001:db8::10] SIP/2.0",
    "To: sip:user@example.com",
    "From: sip:user@example.com;tag=81x2",
    "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111",
    "Call-ID: SSG9559905523997077@hlau_4100",
    "Max-Forwards: 70",
    'Contact: "Caller" <sip:caller@[2001:db8::1]>',
    "CSeq: 98176 REGISTER",
    "Content-Length: 0",
])
MESSAGES["rfc5118_ipv6_port"] = msg([
    "REGISTER sip:[2001:db8::10]:5070 SIP/2.0",
    "To: sip:user@example.com",
    "From: sip:user@example.com;tag=81x2",
    "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111",
    "Call-ID: SSG9559905523997077@hlau_4100",
    'Contact: "Caller" <sip:caller@[2001:db8::1]>',
    "Max-Forwards: 70",
    "CSeq: 98176 REGISTER",
    "Content-Length: 0",
])
MESSAGES["rfc5118_ipv6_received"] = msg([
    "BYE sip:[2001:db8::10] SIP/2.0",
    "To: sip:user@example.com;tag=bd76ya",
    "From: sip:user@example.com;tag=81x2",
    "Via: SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3-111",
    "Call-ID: SSG9559905523997077@hlau_4100",
    "Max-Forwards: 70",
    "CSeq: 321 BYE",
    "Content-Length: 0",
])

# Typical traffic, sipp / baresip style.
PCMU_SDP = ("v=0\r\no=user1 53655765 2353687637 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\n"
            "t=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n")
MESSAGES["sipp_invite"] = msg([
    "INVITE sip:conf-4711@konfero.example.com:5060 SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5061;branch=z9hG4bK-12345-1-0;rport",
    "From: sipp <sip:sipp@192.0.2.10:5061>;tag=12345SIPpTag001",
    "To: <sip:conf-4711@konfero.example.com:5060>",
    "Call-ID: 1-12345@192.0.2.10",
    "CSeq: 1 INVITE",
    "Contact: sip:sipp@192.0.2.10:5061",
    "Max-Forwards: 70",
    "Subject: Performance Test",
    "Content-Type: application/sdp",
    "Content-Length: %d" % len(PCMU_SDP),
], PCMU_SDP)
MESSAGES["sipp_ack"] = msg([
    "ACK sip:conf-4711@konfero.example.com:5060 SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5061;branch=z9hG4bK-12345-1-5",
    "From: sipp <sip:sipp@192.0.2.10:5061>;tag=12345SIPpTag001",
    "To: <sip:conf-4711@konfero.example.com:5060>;tag=as58f4201b",
    "Call-ID: 1-12345@192.0.2.10",
    "CSeq: 1 ACK",
    "Contact: sip:sipp@192.0.2.10:5061",
    "Max-Forwards: 70",
    "Content-Length: 0",
])
MESSAGES["sipp_bye"] = msg([
    "BYE sip:conf-4711@konfero.example.com:5060 SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5061;branch=z9hG4bK-12345-1-7",
    "From: sipp <sip:sipp@192.0.2.10:5061>;tag=12345SIPpTag001",
    "To: <sip:conf-4711@konfero.example.com:5060>;tag=as58f4201b",
    "Call-ID: 1-12345@192.0.2.10",
    "CSeq: 2 BYE",
    "Contact: sip:sipp@192.0.2.10:5061",
    "Max-Forwards: 70",
    "Content-Length: 0",
])
MESSAGES["sipp_cancel"] = msg([
    "CANCEL sip:conf-4711@konfero.example.com:5060 SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5061;branch=z9hG4bK-12345-1-0",
    "From: sipp <sip:sipp@192.0.2.10:5061>;tag=12345SIPpTag001",
    "To: <sip:conf-4711@konfero.example.com:5060>",
    "Call-ID: 1-12345@192.0.2.10",
    "CSeq: 1 CANCEL",
    "Max-Forwards: 70",
    "Content-Length: 0",
])
MESSAGES["sipp_info_dtmf"] = msg([
    "INFO sip:conf-4711@konfero.example.com:5060 SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5061;branch=z9hG4bK-12345-1-6",
    "From: sipp <sip:sipp@192.0.2.10:5061>;tag=12345SIPpTag001",
    "To: <sip:conf-4711@konfero.example.com:5060>;tag=as58f4201b",
    "Call-ID: 1-12345@192.0.2.10",
    "CSeq: 3 INFO",
    "Max-Forwards: 70",
    "Content-Type: application/dtmf-relay",
    "Content-Length: 24",
], "Signal=5\r\nDuration=160\r\n")
MESSAGES["baresip_register"] = msg([
    "REGISTER sip:konfero.example.com SIP/2.0",
    "Via: SIP/2.0/TCP 192.0.2.20:49152;branch=z9hG4bK8e5d7a1c9b3f2e40;rport;alias",
    "Contact: <sip:alice-0x55d1@192.0.2.20:49152;transport=tcp>;expires=3600",
    "Max-Forwards: 70",
    "To: <sip:alice@konfero.example.com>",
    "From: <sip:alice@konfero.example.com>;tag=4f2ad1e8b07c3a65",
    "Call-ID: 6c9d2f0e8a1b4c37",
    "CSeq: 18712 REGISTER",
    "User-Agent: baresip v3.4.0 (x86_64/linux)",
    "Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,UPDATE,REFER",
    "Supported: gruu,path,replaces",
    "Content-Length: 0",
])
MESSAGES["baresip_register_auth"] = msg([
    "REGISTER sip:konfero.example.com SIP/2.0",
    "Via: SIP/2.0/TCP 192.0.2.20:49152;branch=z9hG4bKa51c7e2d90f34b18;rport;alias",
    "Contact: <sip:alice-0x55d1@192.0.2.20:49152;transport=tcp>;expires=3600",
    "Max-Forwards: 70",
    "To: <sip:alice@konfero.example.com>",
    "From: <sip:alice@konfero.example.com>;tag=4f2ad1e8b07c3a65",
    "Call-ID: 6c9d2f0e8a1b4c37",
    "CSeq: 18713 REGISTER",
    'Authorization: Digest username="alice",realm="konfero.example.com",'
    'nonce="5f1e2d3c4b5a69788796a5b4c3d2e1f0",uri="sip:konfero.example.com",'
    'response="0f2b7e3a9c1d4e5f6a7b8c9d0e1f2a3b",algorithm=MD5,qop=auth,nc=00000001,cnonce="8a6f2c1d"',
    "User-Agent: baresip v3.4.0 (x86_64/linux)",
    "Content-Length: 0",
])
MESSAGES["response_401"] = msg([
    "SIP/2.0 401 Unauthorized",
    "Via: SIP/2.0/TCP 192.0.2.20:49152;branch=z9hG4bK8e5d7a1c9b3f2e40;rport=49152;received=198.51.100.7;alias",
    "To: <sip:alice@konfero.example.com>;tag=konfero-1a2b",
    "From: <sip:alice@konfero.example.com>;tag=4f2ad1e8b07c3a65",
    "Call-ID: 6c9d2f0e8a1b4c37",
    "CSeq: 18712 REGISTER",
    'WWW-Authenticate: Digest realm="konfero.example.com", nonce="5f1e2d3c4b5a69788796a5b4c3d2e1f0",'
    ' algorithm=MD5, qop="auth"',
    "Server: konfero",
    "Content-Length: 0",
])
MESSAGES["response_200_invite"] = msg([
    "SIP/2.0 200 OK",
    "Via: SIP/2.0/UDP 192.0.2.10:5061;branch=z9hG4bK-12345-1-0;rport=5061;received=192.0.2.10",
    "Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bKproxy1",
    "Record-Route: <sip:203.0.113.5;lr>, <sip:[2001:db8::5]:5060;lr;transport=udp>",
    "From: sipp <sip:sipp@192.0.2.10:5061>;tag=12345SIPpTag001",
    "To: <sip:conf-4711@konfero.example.com:5060>;tag=as58f4201b",
    "Call-ID: 1-12345@192.0.2.10",
    "CSeq: 1 INVITE",
    "Contact: <sip:konfero@198.51.100.1:5060>",
    "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO",
    "Content-Type: application/sdp",
    "Content-Length: %d" % len(PCMU_SDP),
], PCMU_SDP)
MESSAGES["options_compact"] = msg([
    "OPTIONS sip:konfero.example.com SIP/2.0",
    "v: SIP/2.0/UDP 192.0.2.30:5060;branch=z9hG4bKopt1",
    "f: \"Monitor \\\"probe\\\"\" <sip:monitor@example.net>;tag=m1",
    "t: <sip:konfero.example.com>",
    "i: opt-0001@192.0.2.30",
    "CSeq: 7 OPTIONS",
    "k: timer, 100rel",
    "Max-Forwards: 70",
    "l: 0",
])

# A TCP stream: a ping, two pipelined messages, a ping.
MESSAGES["stream_pipelined"] = (b"\r\n\r\n" + MESSAGES["sipp_invite"] + MESSAGES["sipp_bye"] + b"\r\n\r\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in MESSAGES.items():
        with open(os.path.join(OUT, name + ".sip"), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(MESSAGES), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
