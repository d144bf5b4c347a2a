"""Which ``wx`` APIs exist in which execution context: the official [API] table (spec section 6).

Anything not listed for a context is ``undefined`` there, so a skill fails as it would on the
device. ``requestPayment`` is the one recorded conflict: the [OPS] flow and early demo call it in
an atomic API while the table forbids it, so it is offered there with a warning (spec 0.1).
"""

from __future__ import annotations

from enum import StrEnum


class ContextKind(StrEnum):
    """The three isolated JavaScript contexts of the client runtime."""

    API = "api"
    CARD = "card"
    DYNAMIC = "dynamic"

    @property
    def label(self) -> str:
        return {
            "api": "atomic API context",
            "card": "static card (atomic component) context",
            "dynamic": "realtime dynamic card context",
        }[self.value]


STORAGE = [
    "setStorageSync", "getStorageSync", "removeStorageSync", "clearStorageSync", "getStorageInfoSync",
    "batchGetStorageSync", "batchSetStorageSync", "setStorage", "getStorage", "removeStorage",
    "clearStorage", "getStorageInfo", "batchGetStorage", "batchSetStorage",
]
SYSTEM = ["getDeviceInfo", "getAppBaseInfo", "getWindowInfo"]
# Widely used, deprecated readers of the same data; the issue asks for the family.
SYSTEM_LEGACY = ["getSystemInfoSync", "getSystemInfo", "getSystemInfoAsync", "getSystemSetting"]
NETWORK = [
    "getNetworkType", "onNetworkStatusChange", "offNetworkStatusChange", "onNetworkWeakChange",
    "offNetworkWeakChange", "getLocalIPAddress",
]
PAYMENT = [
    "requestPayment", "requestVirtualPayment", "verifyPaymentPassword", "requestJointPayment",
    "openPublicServicePayment", "openBusinessView",
]
WIFI = [
    "startWifi", "stopWifi", "connectWifi", "getWifiList", "getConnectedWifi", "setWifiList",
    "onGetWifiList", "offGetWifiList", "onWifiConnected", "offWifiConnected",
]
BLUETOOTH = [
    "openBluetoothAdapter", "closeBluetoothAdapter", "getBluetoothAdapterState",
    "startBluetoothDevicesDiscovery", "stopBluetoothDevicesDiscovery", "getBluetoothDevices",
    "getConnectedBluetoothDevices", "onBluetoothDeviceFound", "offBluetoothDeviceFound",
    "onBluetoothAdapterStateChange", "offBluetoothAdapterStateChange", "createBLEConnection",
    "closeBLEConnection", "getBLEDeviceServices", "getBLEDeviceCharacteristics",
    "readBLECharacteristicValue", "writeBLECharacteristicValue", "notifyBLECharacteristicValueChange",
    "onBLECharacteristicValueChange", "offBLECharacteristicValueChange", "onBLEConnectionStateChange",
    "offBLEConnectionStateChange", "createBLEPeripheralServer",
]
SENSORS = [
    "startAccelerometer", "stopAccelerometer", "onAccelerometerChange", "offAccelerometerChange",
    "startCompass", "stopCompass", "onCompassChange", "offCompassChange", "startDeviceMotionListening",
    "stopDeviceMotionListening", "onDeviceMotionChange", "offDeviceMotionChange", "startGyroscope",
    "stopGyroscope", "onGyroscopeChange", "offGyroscopeChange",
]
SOCKETS = [
    "connectSocket", "sendSocketMessage", "closeSocket", "onSocketOpen", "onSocketMessage",
    "onSocketError", "onSocketClose", "createTCPSocket", "createUDPSocket",
    "startLocalServiceDiscovery", "stopLocalServiceDiscovery", "onLocalServiceFound",
    "offLocalServiceFound",
]
FACE = [
    "initFaceDetect", "faceDetect", "stopFaceDetect", "startFacialRecognitionVerify",
    "startFacialRecognitionVerifyAndUploadVideo",
]

API_ONLY = [
    "login", "checkSession", "request", *NETWORK, "cloud", "getLocation", "getFuzzyLocation",
    "getUserCryptoManager", "getPhoneNumber", "getRealtimePhoneNumber", "getImageInfo",
    "requestSubscribeMessage", "authorize", "getSetting", *WIFI, *BLUETOOTH, *SENSORS, *SOCKETS,
    "uploadFile", *FACE, "getWeRunData",
]
CARD_ONLY = [
    "openLocation", "chooseLocation", "shareAppMessage", "chooseMedia", "chooseMessageFile",
    "previewMedia", "saveImageToPhotosAlbum", *PAYMENT, "openSetting", "makePhoneCall", "scanCode",
    "showToast", "hideToast", "chooseAddress", "chooseInvoice", "chooseInvoiceTitle",
    "openDocument", "createMapContext", "vibrateShort", "vibrateLong", "getPrivacySetting",
]
BOTH = [
    "env", *SYSTEM, *SYSTEM_LEGACY, *STORAGE, "downloadFile", "getAccountInfoSync",
    "openPrivacyContract", "getEnterOptionsSync", "getLaunchOptionsSync",
]
DYNAMIC_EXTRA = ["login", "checkSession", "request", *NETWORK]
# Never offered in AI mode ([GEN] section 3): listed so a read of them is reported, not guessed.
NEVER = [
    "showModal", "showLoading", "hideLoading", "showActionSheet", "navigateTo", "redirectTo",
    "switchTab", "reLaunch", "navigateBack", "pageScrollTo", "createAnimation", "chooseImage",
    "chooseVideo", "previewImage", "setClipboardData", "getClipboardData", "getUserInfo",
    "getUserProfile", "createSelectorQuery", "createCanvasContext", "getApp", "navigateToMiniProgram",
    "openEmbeddedMiniProgram",
]

PAYMENT_IN_API_WARNING = (
    "wx.requestPayment is called in an atomic API; the official [API] table allows it only in "
    "cards (the [OPS] flow and the early demo do it in an API, spec 0.1). It works in wxreplay, "
    "but move payment into a card's tap handler for the current client"
)


def available(kind: ContextKind) -> list[str]:
    """The ``wx`` API names that exist in ``kind``, sorted for stable output."""
    if kind is ContextKind.API:
        names = [*API_ONLY, *BOTH, "requestPayment"]
    elif kind is ContextKind.CARD:
        names = [*CARD_ONLY, *BOTH]
    else:
        names = [*CARD_ONLY, *BOTH, *DYNAMIC_EXTRA]
    return sorted(set(names))


def known() -> list[str]:
    """Every ``wx`` name wxreplay knows of, available somewhere or never."""
    return sorted({*API_ONLY, *CARD_ONLY, *BOTH, *DYNAMIC_EXTRA, *NEVER})


def warnings_for(kind: ContextKind) -> dict[str, str]:
    """APIs that work in ``kind`` but deserve a finding each time they are used."""
    return {"requestPayment": PAYMENT_IN_API_WARNING} if kind is ContextKind.API else {}


def timers_allowed(kind: ContextKind) -> bool:
    """Static cards have no timers; the API context (assumed) and dynamic cards do."""
    return kind is not ContextKind.CARD
