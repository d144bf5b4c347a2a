"""The names of the ``wx`` APIs wxreplay knows: a table of names, no behaviour, importing nothing.

Two layers read it: the host, which implements the APIs and decides in which execution context
each exists (:mod:`wxreplay.host.availability`), and the scenario format, which checks the names a
scenario writes in ``host_calls`` and ``device.stubs`` without depending on the simulated device.
The groups follow the official [API] table (platform spec, section 6).
"""

from __future__ import annotations

STORAGE = [
    "setStorageSync",
    "getStorageSync",
    "removeStorageSync",
    "clearStorageSync",
    "getStorageInfoSync",
    "batchGetStorageSync",
    "batchSetStorageSync",
    "setStorage",
    "getStorage",
    "removeStorage",
    "clearStorage",
    "getStorageInfo",
    "batchGetStorage",
    "batchSetStorage",
]
SYSTEM = ["getDeviceInfo", "getAppBaseInfo", "getWindowInfo"]
# Widely used, deprecated readers of the same data; the issue asks for the family.
SYSTEM_LEGACY = ["getSystemInfoSync", "getSystemInfo", "getSystemInfoAsync", "getSystemSetting"]
NETWORK = [
    "getNetworkType",
    "onNetworkStatusChange",
    "offNetworkStatusChange",
    "onNetworkWeakChange",
    "offNetworkWeakChange",
    "getLocalIPAddress",
]
PAYMENT = [
    "requestPayment",
    "requestVirtualPayment",
    "verifyPaymentPassword",
    "requestJointPayment",
    "openPublicServicePayment",
    "openBusinessView",
]
WIFI = [
    "startWifi",
    "stopWifi",
    "connectWifi",
    "getWifiList",
    "getConnectedWifi",
    "setWifiList",
    "onGetWifiList",
    "offGetWifiList",
    "onWifiConnected",
    "offWifiConnected",
]
BLUETOOTH = [
    "openBluetoothAdapter",
    "closeBluetoothAdapter",
    "getBluetoothAdapterState",
    "startBluetoothDevicesDiscovery",
    "stopBluetoothDevicesDiscovery",
    "getBluetoothDevices",
    "getConnectedBluetoothDevices",
    "onBluetoothDeviceFound",
    "offBluetoothDeviceFound",
    "onBluetoothAdapterStateChange",
    "offBluetoothAdapterStateChange",
    "createBLEConnection",
    "closeBLEConnection",
    "getBLEDeviceServices",
    "getBLEDeviceCharacteristics",
    "readBLECharacteristicValue",
    "writeBLECharacteristicValue",
    "notifyBLECharacteristicValueChange",
    "onBLECharacteristicValueChange",
    "offBLECharacteristicValueChange",
    "onBLEConnectionStateChange",
    "offBLEConnectionStateChange",
    "createBLEPeripheralServer",
]
SENSORS = [
    "startAccelerometer",
    "stopAccelerometer",
    "onAccelerometerChange",
    "offAccelerometerChange",
    "startCompass",
    "stopCompass",
    "onCompassChange",
    "offCompassChange",
    "startDeviceMotionListening",
    "stopDeviceMotionListening",
    "onDeviceMotionChange",
    "offDeviceMotionChange",
    "startGyroscope",
    "stopGyroscope",
    "onGyroscopeChange",
    "offGyroscopeChange",
]
SOCKETS = [
    "connectSocket",
    "sendSocketMessage",
    "closeSocket",
    "onSocketOpen",
    "onSocketMessage",
    "onSocketError",
    "onSocketClose",
    "createTCPSocket",
    "createUDPSocket",
    "startLocalServiceDiscovery",
    "stopLocalServiceDiscovery",
    "onLocalServiceFound",
    "offLocalServiceFound",
]
FACE = [
    "initFaceDetect",
    "faceDetect",
    "stopFaceDetect",
    "startFacialRecognitionVerify",
    "startFacialRecognitionVerifyAndUploadVideo",
]

API_ONLY = [
    "login",
    "checkSession",
    "request",
    *NETWORK,
    "cloud",
    "getLocation",
    "getFuzzyLocation",
    "getUserCryptoManager",
    "getPhoneNumber",
    "getRealtimePhoneNumber",
    "getImageInfo",
    "requestSubscribeMessage",
    "authorize",
    "getSetting",
    *WIFI,
    *BLUETOOTH,
    *SENSORS,
    *SOCKETS,
    "uploadFile",
    *FACE,
    "getWeRunData",
]
CARD_ONLY = [
    "openLocation",
    "chooseLocation",
    "shareAppMessage",
    "chooseMedia",
    "chooseMessageFile",
    "previewMedia",
    "saveImageToPhotosAlbum",
    *PAYMENT,
    "openSetting",
    "makePhoneCall",
    "scanCode",
    "showToast",
    "hideToast",
    "chooseAddress",
    "chooseInvoice",
    "chooseInvoiceTitle",
    "openDocument",
    "createMapContext",
    "vibrateShort",
    "vibrateLong",
    "getPrivacySetting",
]
BOTH = [
    "env",
    *SYSTEM,
    *SYSTEM_LEGACY,
    *STORAGE,
    "downloadFile",
    "getAccountInfoSync",
    "openPrivacyContract",
    "getEnterOptionsSync",
    "getLaunchOptionsSync",
]
DYNAMIC_EXTRA = ["login", "checkSession", "request", *NETWORK]
# Never offered in AI mode ([GEN] section 3): listed so a read of them is reported, not guessed.
NEVER = [
    "showModal",
    "showLoading",
    "hideLoading",
    "showActionSheet",
    "navigateTo",
    "redirectTo",
    "switchTab",
    "reLaunch",
    "navigateBack",
    "pageScrollTo",
    "createAnimation",
    "chooseImage",
    "chooseVideo",
    "previewImage",
    "setClipboardData",
    "getClipboardData",
    "getUserInfo",
    "getUserProfile",
    "createSelectorQuery",
    "createCanvasContext",
    "getApp",
    "navigateToMiniProgram",
    "openEmbeddedMiniProgram",
]

#: The ``wx.cloud`` calls the cloud host answers (``wxreplay.host.cloud.handlers``).
CLOUD = [
    "cloud.callFunction",
    "cloud.callHTTPFunction",
    "cloud.database",
    "cloud.getTempFileURL",
    "cloud.uploadFile",
    "cloud.downloadFile",
    "cloud.deleteFile",
    "cloud.ai.generateText",
    "cloud.ai.streamText",
]


#: Host events the runtime records beside the wx APIs, by the dotted name the transcript gives them
#: (``runtime/js``: ``wr.event`` / ``wr.effect`` names). ``tests/unit/scenario`` reads the JS sources
#: and fails when a name recorded there is missing here.
CLOUD_EVENTS = ["cloud.init"]
#: Database writes whose data is refused on the device, recorded under the builder's name.
CLOUD_DB_LOCAL = ["collection.add", "collection.update", "document.set", "document.update"]
MODEL_CONTEXT = [
    "modelContext.registerAPI",
    "modelContext.sendFollowUpMessage",
    "modelContext.updateModelContext",
    "modelContext.setRelatedPage",
    "modelContext.openDetailPage",
    "modelContext.preloadDetailPage",
    "modelContext.expireAllCards",
    "modelContext.expirePreviousCards",
]
MAP_CONTEXT = [
    "mapContext.create",
    *(
        f"mapContext.{m}"
        for m in (
            "getCenterLocation",
            "setLocMarkerIcon",
            "moveToLocation",
            "translateMarker",
            "moveAlong",
            "includePoints",
            "getRegion",
            "getRotate",
            "getSkew",
            "getScale",
            "setCenterOffset",
            "removeCustomLayer",
            "addCustomLayer",
            "addGroundOverlay",
            "addVisualLayer",
            "removeVisualLayer",
            "addArc",
            "removeArc",
            "setBoundary",
            "updateGroundOverlay",
            "removeGroundOverlay",
            "toScreenLocation",
            "fromScreenLocation",
            "openMapApp",
            "addMarkers",
            "removeMarkers",
            "initMarkerCluster",
            "on",
        )
    ),
]
COMPONENT = ["component.triggerEvent"]


def known() -> list[str]:
    """Every ``wx`` name wxreplay knows of, available somewhere or never."""
    return sorted({*API_ONLY, *CARD_ONLY, *BOTH, *DYNAMIC_EXTRA, *NEVER})


def host_call_names() -> tuple[str, ...]:
    """Every name a scripted host call may carry (``stubs``): the known wx APIs and the cloud calls."""
    return tuple(sorted({*known(), *CLOUD}))


def recorded_names() -> tuple[str, ...]:
    """Every dotted name the runtime records a host call under (``host_calls`` may name each), and
    the namespaces above them (``cloud``, ``cloud.ai``, ``modelContext`` ...), which match any call below."""
    names = {*known(), *CLOUD, *CLOUD_EVENTS, *CLOUD_DB_LOCAL, *MODEL_CONTEXT, *MAP_CONTEXT, *COMPONENT}
    namespaces = {n.rsplit(".", 1)[0] for n in names if "." in n}
    namespaces |= {n.split(".", 1)[0] for n in names if "." in n}
    return tuple(sorted(names | namespaces))
