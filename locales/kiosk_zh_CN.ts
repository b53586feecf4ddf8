<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN" sourcelanguage="zh_CN">
    <context>
        <name>AttractScreen</name>
        <message>
            <location filename="../ui/screens/attract.py" line="149" />
            <source>请插入社会保障卡</source>
            <extracomment>en: Please insert your social security card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/attract.py" line="151" />
            <source>芯片朝上，插入屏幕下方的读卡口</source>
            <extracomment>en: Chip facing up, into the card slot below the screen</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/attract.py" line="154" />
            <source>读卡口中仍有卡片，请取出后重新插入。</source>
            <extracomment>en: A card is still in the reader. Please take it out and insert it again.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/attract.py" line="157" />
            <source>我的卡丢了</source>
            <extracomment>en: I lost my card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/attract.py" line="159" />
            <source>立即挂失</source>
            <extracomment>en: Report it lost now</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/attract.py" line="162" />
            <source>新卡办到哪了</source>
            <extracomment>en: Where is my new card?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/attract.py" line="164" />
            <source>无卡查询进度</source>
            <extracomment>en: Check without the card</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>BusyScreen</name>
        <message>
            <location filename="../ui/screens/busy.py" line="48" />
            <source>正在读卡，请勿拔卡</source>
            <extracomment>en: Reading your card. Please do not take it out.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/busy.py" line="50" />
            <source>需要几秒钟，请稍候。</source>
            <extracomment>en: This takes a few seconds.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/busy.py" line="53" />
            <source>正在处理，请勿拔卡</source>
            <extracomment>en: Working. Please do not take out your card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/busy.py" line="55" />
            <source>请稍候。</source>
            <extracomment>en: Please wait.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/busy.py" line="57" />
            <source>请稍候</source>
            <extracomment>en: Please wait</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>DatePicker</name>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="191" />
            <source>年</source>
            <extracomment>en: Year</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="193" />
            <source>月</source>
            <extracomment>en: Month</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="195" />
            <source>日</source>
            <extracomment>en: Day</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="197" />
            <source>减 10 年</source>
            <extracomment>en: 10 years earlier</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="199" />
            <source>减 1 年</source>
            <extracomment>en: 1 year earlier</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="201" />
            <source>加 1 年</source>
            <extracomment>en: 1 year later</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="203" />
            <source>加 10 年</source>
            <extracomment>en: 10 years later</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="205" />
            <source>上一个月</source>
            <extracomment>en: Previous month</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="207" />
            <source>下一个月</source>
            <extracomment>en: Next month</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="209" />
            <source>前一天</source>
            <extracomment>en: Previous day</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="211" />
            <source>后一天</source>
            <extracomment>en: Next day</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="213" />
            <source>长期</source>
            <extracomment>en: Long-term</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="215" />
            <source>长期有效</source>
            <extracomment>en: Long-term (valid with no end date)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="217" />
            <source>确认</source>
            <extracomment>en: Confirm</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="219" />
            <source>确认此日期</source>
            <extracomment>en: Confirm this date</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/date_picker.py" line="221" />
            <source>日期选择</source>
            <extracomment>en: Date picker</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>DemoPanel</name>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="253" />
            <source>演示控制（非终端界面）</source>
            <extracomment>en: Demo controls (not part of the kiosk)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="256" />
            <source>▲ 演示控制</source>
            <extracomment>en: ▲ Demo controls</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="259" />
            <source>▼ 演示</source>
            <extracomment>en: ▼ Demo</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="262" />
            <source>短信 %1</source>
            <extracomment>en: SMS %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="265" />
            <source>显示或隐藏演示控制</source>
            <extracomment>en: Show or hide the demo controls</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="267" />
            <source>演示模式：模拟卡片，测试后台</source>
            <extracomment>en: DEMO MODE: emulated cards, test back office</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="270" />
            <source>读卡器中的卡片：%1</source>
            <extracomment>en: Card in the reader: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="273" />
            <source>读卡器中没有卡片</source>
            <extracomment>en: The reader is empty</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="276" />
            <source>插入演示卡 %1</source>
            <extracomment>en: Insert the demo card %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="278" />
            <source>拔出卡片</source>
            <extracomment>en: Pull the card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="282" />
            <source>社保系统离线</source>
            <extracomment>en: Back office offline</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="285" />
            <source>拔出摄像头</source>
            <extracomment>en: Unplug the camera</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="289" />
            <source>重置演示卡密码</source>
            <extracomment>en: Reset the demo cards' PINs</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="292" />
            <source>演示手机，最新短信验证码：%1</source>
            <extracomment>en: Demo phone, last text message code: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="297" />
            <source>维护模式（按住左上角3秒，再点右下角、左下角）：工号 %1，密码 %2，动态码 %3</source>
            <extracomment>en: Maintenance (hold the top-left corner 3 s, tap bottom-right, bottom-left): account %1, PIN %2, code %3</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/demo_panel.py" line="302" />
            <source>退出演示</source>
            <extracomment>en: Quit the demo</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>DigitPad</name>
        <message>
            <location filename="../ui/widgets/digit_pad.py" line="141" />
            <source>已输入：%1</source>
            <extracomment>en: Typed: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/digit_pad.py" line="150" />
            <source>数字 %1</source>
            <extracomment>en: Digit %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/digit_pad.py" line="152" />
            <source>字母 X（身份证号码末位）</source>
            <extracomment>en: Letter X (last character of an ID number)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/digit_pad.py" line="154" />
            <source>删除</source>
            <extracomment>en: Delete</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/digit_pad.py" line="156" />
            <source>删除最后一位</source>
            <extracomment>en: Delete the last character</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/digit_pad.py" line="158" />
            <source>确认</source>
            <extracomment>en: Confirm</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/digit_pad.py" line="161" />
            <source>数字键盘</source>
            <extracomment>en: Number keypad</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Header</name>
        <message>
            <location filename="../ui/screens/base.py" line="170" />
            <source>社会保障卡自助服务</source>
            <extracomment>en: Social Security Card Self-Service</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/base.py" line="175" />
            <source>切换语言为%1</source>
            <extracomment>en: Switch language to %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/base.py" line="178" />
            <source>（已开启）</source>
            <extracomment>en: (on)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/base.py" line="180" />
            <source>大字版</source>
            <extracomment>en: Large text</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/base.py" line="184" />
            <source>高对比</source>
            <extracomment>en: High contrast</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/base.py" line="188" />
            <source>语音开</source>
            <extracomment>en: Speech on</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/base.py" line="190" />
            <source>语音关</source>
            <extracomment>en: Speech off</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/base.py" line="193" />
            <source>呼叫工作人员</source>
            <extracomment>en: Call staff</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>HomeScreen</name>
        <message>
            <location filename="../ui/screens/home.py" line="135" />
            <source>您好！请选择要办理的业务。</source>
            <extracomment>en: Hello! Please choose a service.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/home.py" line="137" />
            <source>姓名</source>
            <extracomment>en: Name</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/home.py" line="139" />
            <source>社会保障号码</source>
            <extracomment>en: Social security number</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/home.py" line="145" />
            <source>结束办理</source>
            <extracomment>en: Finish</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/home.py" line="147" />
            <source>结束办理并取卡</source>
            <extracomment>en: Finish and take my card</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>IdentityScreen</name>
        <message>
            <location filename="../ui/screens/identity.py" line="27" />
            <source>身份证号码与姓名不匹配，请核对后重新输入。</source>
            <extracomment>en: This ID number and name are not on record together. Please check both.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/identity.py" line="30" />
            <source>身份证号码有误，请核对后重新输入。</source>
            <extracomment>en: This ID number is not valid. Please check it.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/identity.py" line="33" />
            <source>请核对姓名。</source>
            <extracomment>en: Please check the name.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/identity.py" line="141" />
            <source>请输入您的身份证号码和姓名</source>
            <extracomment>en: Please type your ID number and name</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/identity.py" line="145" />
            <source>身份证号码</source>
            <extracomment>en: ID number</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/identity.py" line="147" />
            <source>姓名</source>
            <extracomment>en: Name</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/identity.py" line="151" />
            <source>点击输入</source>
            <extracomment>en: Tap to type</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/identity.py" line="154" />
            <source>身份证号码：%1</source>
            <extracomment>en: ID number: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/identity.py" line="158" />
            <source>姓名：%1</source>
            <extracomment>en: Name: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/identity.py" line="160" />
            <source>下一步</source>
            <extracomment>en: Next</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/identity.py" line="162" />
            <source>取消办理</source>
            <extracomment>en: Cancel</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>IdleWarning</name>
        <message>
            <location filename="../ui/widgets/overlay.py" line="97" />
            <source>您还需要更多时间吗？</source>
            <extracomment>en: Do you need more time?</extracomment>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <location filename="../ui/widgets/overlay.py" line="99" />
            <source>%n 秒后将结束办理并清除您的信息。</source>
            <extracomment>en: The service ends in %n seconds and your information is cleared.</extracomment>
            <translation>
                <numerusform>%n 秒后将结束办理并清除您的信息。</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../ui/widgets/overlay.py" line="101" />
            <source>我需要更多时间</source>
            <extracomment>en: I need more time</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ListPicker</name>
        <message>
            <location filename="../ui/widgets/list_picker.py" line="223" />
            <source>空位</source>
            <extracomment>en: Empty</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/list_picker.py" line="232" />
            <source>第 %1 页，共 %2 页</source>
            <extracomment>en: Page %1 of %2</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/list_picker.py" line="243" />
            <source>只显示拼音首字母为 %1 的项目</source>
            <extracomment>en: Show the entries starting with %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/list_picker.py" line="249" />
            <source>全部</source>
            <extracomment>en: All</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/list_picker.py" line="251" />
            <source>显示全部项目</source>
            <extracomment>en: Show all entries</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/list_picker.py" line="253" />
            <source>◀ 上一页</source>
            <extracomment>en: ◀ Previous page</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/list_picker.py" line="255" />
            <source>上一页</source>
            <extracomment>en: Previous page</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/list_picker.py" line="257" />
            <source>下一页 ▶</source>
            <extracomment>en: Next page ▶</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/list_picker.py" line="259" />
            <source>下一页</source>
            <extracomment>en: Next page</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../ui/main_window.py" line="271" />
            <source>社会保障卡自助服务终端</source>
            <extracomment>en: Social Security Card Self-Service Kiosk</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MaintenanceLoginScreen</name>
        <message>
            <location filename="../ui/screens/maintenance_login.py" line="125" />
            <source>维护模式</source>
            <extracomment>en: Maintenance</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance_login.py" line="128" />
            <source>请输入维护人员工号</source>
            <extracomment>en: Technician account number</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance_login.py" line="130" />
            <source>输入工号中 T 之后的数字（如 T0001 输入 0001）。</source>
            <extracomment>en: The digits after the T of your account (T0001: 0001).</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance_login.py" line="133" />
            <source>请输入本机备用维护码</source>
            <extracomment>en: This kiosk's local maintenance code</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance_login.py" line="135" />
            <source>仅在无法连接社保系统时可用。</source>
            <extracomment>en: Only while the social security system cannot be reached.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance_login.py" line="138" />
            <source>请输入维护密码</source>
            <extracomment>en: Technician PIN</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance_login.py" line="140" />
            <source>工号 %1</source>
            <extracomment>en: Account %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance_login.py" line="143" />
            <source>请输入动态验证码</source>
            <extracomment>en: One-time code</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance_login.py" line="145" />
            <source>请输入身份验证器当前显示的 6 位动态码。</source>
            <extracomment>en: The 6-digit code shown by your authenticator now.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance_login.py" line="149" />
            <source>返回自助服务</source>
            <extracomment>en: Back to the citizen services</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MaintenanceScreen</name>
        <message>
            <location filename="../ui/screens/maintenance.py" line="119" />
            <source>读卡测试结果</source>
            <extracomment>en: Card reader test report</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="149" />
            <source>本机最近的运行记录</source>
            <extracomment>en: Recent events of this kiosk</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="212" />
            <source>%1 帧/秒，检测到人脸：%2</source>
            <extracomment>en: %1 frames/s, faces found: %2</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="239" />
            <source>（由社保系统统一设置）</source>
            <extracomment>en: (set by the back office)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="247" />
            <source>更改%1</source>
            <extracomment>en: Change %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="259" />
            <source>维护模式</source>
            <extracomment>en: Maintenance</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="261" />
            <source>维护人员：%1</source>
            <extracomment>en: Technician: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="263" />
            <location filename="../ui/screens/maintenance.py" line="272" />
            <source>设备诊断</source>
            <extracomment>en: Diagnostics</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="265" />
            <location filename="../ui/screens/maintenance.py" line="274" />
            <source>参数设置</source>
            <extracomment>en: Settings</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="267" />
            <source>日志与导出</source>
            <extracomment>en: Logs and export</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="269" />
            <source>退出维护</source>
            <extracomment>en: Leave maintenance</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="276" />
            <source>日志与诊断包导出</source>
            <extracomment>en: Logs and the diagnostics bundle</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="280" />
            <source>重新检查</source>
            <extracomment>en: Check again</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="282" />
            <source>读卡测试</source>
            <extracomment>en: Card reader test</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="284" />
            <source>立即补发待发送业务</source>
            <extracomment>en: Send waiting requests now</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="286" />
            <source>摄像头预览</source>
            <extracomment>en: Camera preview</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="288" />
            <source>语音测试</source>
            <extracomment>en: Speech test</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="290" />
            <source>保存设置</source>
            <extracomment>en: Save the settings</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/maintenance.py" line="292" />
            <source>导出诊断包到U盘</source>
            <extracomment>en: Export the diagnostics bundle to the USB stick</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Notice</name>
        <message>
            <location filename="../ui/widgets/overlay.py" line="129" />
            <source>知道了</source>
            <extracomment>en: OK</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PhotoScreen</name>
        <message>
            <location filename="../ui/screens/photo.py" line="239" />
            <source>正在打开摄像头……</source>
            <extracomment>en: Starting the camera...</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="257" />
            <source>这张照片可以吗？</source>
            <extracomment>en: Is this photo all right?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="259" />
            <source>照片将印制在您的新社会保障卡上。</source>
            <extracomment>en: The photo will be printed on your new card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="262" />
            <source>摄像头暂时无法使用</source>
            <extracomment>en: The camera cannot be used</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="265" />
            <source>您可以改用短信验证码验证身份。</source>
            <extracomment>en: You can prove who you are with a text message code instead.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="268" />
            <source>请重试，或联系工作人员。</source>
            <extracomment>en: Try again, or ask the staff for help.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="271" />
            <source>请正对摄像头，进行刷脸验证</source>
            <extracomment>en: Look at the camera to prove who you are</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="273" />
            <source>照片仅用于本次身份核验，本机不保存。</source>
            <extracomment>en: Your picture is only used for this check and is not kept at the kiosk.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="276" />
            <source>拍摄新卡照片</source>
            <extracomment>en: Photo for your new card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="278" />
            <source>请正对屏幕上方的摄像头，保持不动，不戴帽子和眼镜。画面合格后将自动拍照。</source>
            <extracomment>en: Look at the camera above the screen, keep still, no hat or glasses. The photo is taken by itself.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="283" />
            <source>立即拍照</source>
            <extracomment>en: Take the photo now</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="295" />
            <source>取消办理</source>
            <extracomment>en: Cancel</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="285" />
            <source>使用这张照片</source>
            <extracomment>en: Use this photo</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="287" />
            <source>重拍</source>
            <extracomment>en: Take it again</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="289" />
            <source>重试</source>
            <extracomment>en: Try again</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="291" />
            <source>使用短信验证码</source>
            <extracomment>en: Use a text message code</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/photo.py" line="293" />
            <source>不需要照片（未达年龄的儿童）</source>
            <extracomment>en: No photo (child under the age)</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PickerScreen</name>
        <message>
            <location filename="../ui/screens/picker.py" line="79" />
            <source>返回</source>
            <extracomment>en: Back</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PinKeypad</name>
        <message numerus="yes">
            <location filename="../ui/widgets/keypad.py" line="152" />
            <source>已输入 %n 位，共 6 位</source>
            <extracomment>en: %n of 6 digits typed</extracomment>
            <translation>
                <numerusform>已输入 %n 位，共 6 位</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../ui/widgets/keypad.py" line="159" />
            <source>数字 %1</source>
            <extracomment>en: Digit %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keypad.py" line="163" />
            <source>删除</source>
            <extracomment>en: Delete</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keypad.py" line="165" />
            <source>删除最后一位</source>
            <extracomment>en: Delete the last digit</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keypad.py" line="167" />
            <source>清空</source>
            <extracomment>en: Clear</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keypad.py" line="169" />
            <source>清空已输入的数字</source>
            <extracomment>en: Clear all digits</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keypad.py" line="171" />
            <source>确认</source>
            <extracomment>en: Confirm</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keypad.py" line="173" />
            <source>确认密码</source>
            <extracomment>en: Confirm the PIN</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keypad.py" line="175" />
            <source>密码键盘</source>
            <extracomment>en: PIN keypad</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PinScreen</name>
        <message>
            <location filename="../ui/screens/pin.py" line="94" />
            <source>修改密码</source>
            <extracomment>en: Change PIN</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/pin.py" line="98" />
            <source>第 %1 步，共 %2 步</source>
            <extracomment>en: Step %1 of %2</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/pin.py" line="105" />
            <source>请输入社会保障卡密码</source>
            <extracomment>en: Please enter your card's PIN</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/pin.py" line="109" />
            <source>密码已解锁，请输入您的密码进行验证</source>
            <extracomment>en: The PIN is unblocked. Please enter your PIN to check it.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/pin.py" line="113" />
            <source>请输入当前密码</source>
            <extracomment>en: Please enter your current PIN</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/pin.py" line="117" />
            <source>请输入新密码（6 位数字）</source>
            <extracomment>en: Please enter your new PIN (6 digits)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/pin.py" line="121" />
            <source>请再次输入新密码</source>
            <extracomment>en: Please enter your new PIN again</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/pin.py" line="131" />
            <source>输入密码时，请用另一只手遮挡键盘。</source>
            <extracomment>en: Please cover the keypad with your other hand while typing.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/pin.py" line="133" />
            <source>取消</source>
            <extracomment>en: Cancel</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/pin.py" line="135" />
            <source>取消，返回业务选择</source>
            <extracomment>en: Cancel and go back to the services</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PinyinKeyboard</name>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="377" />
            <source>无候选字</source>
            <extracomment>en: No candidate</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="15" />
            <source>字母 %1</source>
            <extracomment>en: Letter %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="21" />
            <source>数字 %1</source>
            <extracomment>en: Digit %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="32" />
            <source>连字符</source>
            <extracomment>en: Hyphen</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="35" />
            <source>井号</source>
            <extracomment>en: Number sign</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="38" />
            <source>左括号</source>
            <extracomment>en: Left parenthesis</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="41" />
            <source>右括号</source>
            <extracomment>en: Right parenthesis</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="44" />
            <source>间隔号</source>
            <extracomment>en: Middle dot</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="47" />
            <source>顿号</source>
            <extracomment>en: Enumeration comma</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="50" />
            <source>逗号</source>
            <extracomment>en: Comma</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="53" />
            <source>句号</source>
            <extracomment>en: Full stop</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="56" />
            <source>斜杠</source>
            <extracomment>en: Slash</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="59" />
            <source>冒号</source>
            <extracomment>en: Colon</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="62" />
            <source>分号</source>
            <extracomment>en: Semicolon</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="65" />
            <source>艾特符号</source>
            <extracomment>en: At sign</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="68" />
            <source>星号</source>
            <extracomment>en: Asterisk</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="71" />
            <source>加号</source>
            <extracomment>en: Plus sign</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/keyboard_key_names.py" line="73" />
            <source>点</source>
            <extracomment>en: Dot</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="393" />
            <source>上一页候选字</source>
            <extracomment>en: Previous candidates</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="395" />
            <source>下一页候选字</source>
            <extracomment>en: Next candidates</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="397" />
            <source>删除</source>
            <extracomment>en: Delete</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="399" />
            <source>删除最后一个字母或文字</source>
            <extracomment>en: Delete the last letter or character</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="401" />
            <source>清空</source>
            <extracomment>en: Clear</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="403" />
            <source>清空全部内容</source>
            <extracomment>en: Clear everything typed</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="405" />
            <source>空格</source>
            <extracomment>en: Space</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="407" />
            <source>空格键</source>
            <extracomment>en: Space</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="409" />
            <source>确认</source>
            <extracomment>en: Confirm</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="411" />
            <source>确认输入内容</source>
            <extracomment>en: Confirm what was typed</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="414" />
            <source>字母</source>
            <extracomment>en: ABC</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="416" />
            <source>切换到字母键盘</source>
            <extracomment>en: Show the letter keys</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="419" />
            <source>符号</source>
            <extracomment>en: 123</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="421" />
            <source>切换到数字和符号键盘</source>
            <extracomment>en: Show the digit and punctuation keys</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="424" />
            <source>中/英</source>
            <extracomment>en: 中 / EN</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="426" />
            <source>当前为中文拼音输入，切换到英文字母</source>
            <extracomment>en: Typing Chinese pinyin; switch to English letters</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="429" />
            <source>英/中</source>
            <extracomment>en: EN / 中</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="431" />
            <source>当前为英文字母输入，切换到中文拼音</source>
            <extracomment>en: Typing English letters; switch to Chinese pinyin</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="433" />
            <source>已输入的内容</source>
            <extracomment>en: Text typed</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="435" />
            <source>正在输入的拼音</source>
            <extracomment>en: Pinyin being typed</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/pinyin_keyboard.py" line="437" />
            <source>屏幕键盘</source>
            <extracomment>en: On-screen keyboard</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ProfileScreen</name>
        <message>
            <location filename="../ui/screens/profile.py" line="125" />
            <source>您的个人信息，点击“修改”更新相应内容</source>
            <extracomment>en: Your details. Tap "Change" next to what you want to update.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/profile.py" line="133" />
            <source>（已修改）</source>
            <extracomment>en: (changed)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/profile.py" line="137" />
            <source>修改</source>
            <extracomment>en: Change</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/profile.py" line="139" />
            <source>修改%1</source>
            <extracomment>en: Change %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/profile.py" line="141" />
            <source>下一步：确认提交</source>
            <extracomment>en: Next: check and save</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/profile.py" line="143" />
            <source>取消办理</source>
            <extracomment>en: Cancel</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RegionPicker</name>
        <message>
            <location filename="../ui/widgets/region_picker.py" line="109" />
            <source>请选择省、自治区、直辖市</source>
            <extracomment>en: Choose a province, autonomous region or municipality</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/region_picker.py" line="114" />
            <source>返回上一级</source>
            <extracomment>en: Back up one level</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/region_picker.py" line="116" />
            <source>返回上一级行政区</source>
            <extracomment>en: Back up one level</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/region_picker.py" line="118" />
            <source>行政区选择</source>
            <extracomment>en: Region picker</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ResultScreen</name>
        <message numerus="yes">
            <location filename="../ui/screens/result.py" line="113" />
            <source>%n 秒后返回首页</source>
            <extracomment>en: Back to the start in %n seconds</extracomment>
            <translation>
                <numerusform>%n 秒后返回首页</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../ui/screens/result.py" line="131" />
            <source>完成</source>
            <extracomment>en: Done</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/result.py" line="133" />
            <source>完成，返回首页</source>
            <extracomment>en: Done, back to the start</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>StatusScreen</name>
        <message>
            <location filename="../ui/screens/status.py" line="97" />
            <source>卡片</source>
            <extracomment>en: Card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="99" />
            <source>暂无卡片：您的第一张卡正在制作中。</source>
            <extracomment>en: No card yet: your first card is being made.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="102" />
            <source>卡号</source>
            <extracomment>en: Card number</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="104" />
            <source>状态</source>
            <extracomment>en: Status</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="109" />
            <source>挂失日期</source>
            <extracomment>en: Reported lost on</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="112" />
            <source>自动解挂日期</source>
            <extracomment>en: Loss report ends on</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="115" />
            <source>有效期至</source>
            <extracomment>en: Valid until</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="120" />
            <source>查询卡状态和制卡进度</source>
            <extracomment>en: Card status and progress</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="122" />
            <source>您的社会保障卡</source>
            <extracomment>en: Your card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="138" />
            <source>没有正在办理的制卡申请。</source>
            <extracomment>en: No card application in progress.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="142" />
            <source>%1 — 申请编号 %2</source>
            <extracomment>en: %1 — application %2</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="162" />
            <source>已办结。</source>
            <extracomment>en: Finished.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="165" />
            <source>预计 %1 前完成</source>
            <extracomment>en: Expected to be ready by %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="171" />
            <source>完成</source>
            <extracomment>en: Done</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/status.py" line="173" />
            <source>完成，结束办理</source>
            <extracomment>en: Done, end the service</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>TextEntryScreen</name>
        <message>
            <location filename="../ui/screens/text_entry.py" line="83" />
            <source>选择省市区</source>
            <extracomment>en: Choose province, city, district</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/screens/text_entry.py" line="86" />
            <source>返回</source>
            <extracomment>en: Back</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ethnicity</name>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="16" />
            <source>汉族</source>
            <extracomment>en: Han</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="18" />
            <source>蒙古族</source>
            <extracomment>en: Mongol</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="20" />
            <source>回族</source>
            <extracomment>en: Hui</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="22" />
            <source>藏族</source>
            <extracomment>en: Tibetan</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="24" />
            <source>维吾尔族</source>
            <extracomment>en: Uyghur</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="26" />
            <source>苗族</source>
            <extracomment>en: Miao</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="28" />
            <source>彝族</source>
            <extracomment>en: Yi</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="30" />
            <source>壮族</source>
            <extracomment>en: Zhuang</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="32" />
            <source>布依族</source>
            <extracomment>en: Bouyei</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="34" />
            <source>朝鲜族</source>
            <extracomment>en: Korean</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="36" />
            <source>满族</source>
            <extracomment>en: Manchu</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="38" />
            <source>侗族</source>
            <extracomment>en: Dong</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="40" />
            <source>瑶族</source>
            <extracomment>en: Yao</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="42" />
            <source>白族</source>
            <extracomment>en: Bai</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="44" />
            <source>土家族</source>
            <extracomment>en: Tujia</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="46" />
            <source>哈尼族</source>
            <extracomment>en: Hani</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="48" />
            <source>哈萨克族</source>
            <extracomment>en: Kazakh</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="50" />
            <source>傣族</source>
            <extracomment>en: Dai</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="52" />
            <source>黎族</source>
            <extracomment>en: Li</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="54" />
            <source>傈僳族</source>
            <extracomment>en: Lisu</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="56" />
            <source>佤族</source>
            <extracomment>en: Va</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="58" />
            <source>畲族</source>
            <extracomment>en: She</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="60" />
            <source>高山族</source>
            <extracomment>en: Gaoshan</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="62" />
            <source>拉祜族</source>
            <extracomment>en: Lahu</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="64" />
            <source>水族</source>
            <extracomment>en: Sui</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="66" />
            <source>东乡族</source>
            <extracomment>en: Dongxiang</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="68" />
            <source>纳西族</source>
            <extracomment>en: Naxi</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="70" />
            <source>景颇族</source>
            <extracomment>en: Jingpo</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="72" />
            <source>柯尔克孜族</source>
            <extracomment>en: Kyrgyz</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="74" />
            <source>土族</source>
            <extracomment>en: Tu</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="76" />
            <source>达斡尔族</source>
            <extracomment>en: Daur</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="78" />
            <source>仫佬族</source>
            <extracomment>en: Mulao</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="80" />
            <source>羌族</source>
            <extracomment>en: Qiang</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="82" />
            <source>布朗族</source>
            <extracomment>en: Blang</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="84" />
            <source>撒拉族</source>
            <extracomment>en: Salar</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="86" />
            <source>毛南族</source>
            <extracomment>en: Maonan</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="88" />
            <source>仡佬族</source>
            <extracomment>en: Gelao</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="90" />
            <source>锡伯族</source>
            <extracomment>en: Xibe</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="92" />
            <source>阿昌族</source>
            <extracomment>en: Achang</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="94" />
            <source>普米族</source>
            <extracomment>en: Pumi</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="96" />
            <source>塔吉克族</source>
            <extracomment>en: Tajik</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="98" />
            <source>怒族</source>
            <extracomment>en: Nu</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="100" />
            <source>乌孜别克族</source>
            <extracomment>en: Uzbek</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="102" />
            <source>俄罗斯族</source>
            <extracomment>en: Russian</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="104" />
            <source>鄂温克族</source>
            <extracomment>en: Evenki</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="106" />
            <source>德昂族</source>
            <extracomment>en: De'ang</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="108" />
            <source>保安族</source>
            <extracomment>en: Bonan</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="110" />
            <source>裕固族</source>
            <extracomment>en: Yugur</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="112" />
            <source>京族</source>
            <extracomment>en: Gin</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="114" />
            <source>塔塔尔族</source>
            <extracomment>en: Tatar</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="116" />
            <source>独龙族</source>
            <extracomment>en: Derung</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="118" />
            <source>鄂伦春族</source>
            <extracomment>en: Oroqen</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="120" />
            <source>赫哲族</source>
            <extracomment>en: Hezhen</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="122" />
            <source>门巴族</source>
            <extracomment>en: Monba</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="124" />
            <source>珞巴族</source>
            <extracomment>en: Lhoba</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="126" />
            <source>基诺族</source>
            <extracomment>en: Jino</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="128" />
            <source>其他</source>
            <extracomment>en: Other</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/widgets/ethnicities.py" line="130" />
            <source>外国血统中国籍人士</source>
            <extracomment>en: Of foreign origin</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>flows</name>
        <message>
            <location filename="../ui/flows.py" line="50" />
            <source>取消办理</source>
            <extracomment>en: Cancel</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="55" />
            <source>也可以邮寄到：%1</source>
            <extracomment>en: It can also be posted to: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="137" />
            <source>请选择身份验证方式</source>
            <extracomment>en: How would you like to prove who you are?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="147" />
            <source>未能确认是您本人，请正对摄像头重试，或使用短信验证码。</source>
            <extracomment>en: We could not confirm it is you. Please face the camera and try again, or use a text message code.</extracomment>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <location filename="../ui/flows.py" line="167" />
            <source>验证码错误，还可尝试 %n 次</source>
            <extracomment>en: Wrong code. %n tries left.</extracomment>
            <translation>
                <numerusform>验证码错误，还可尝试 %n 次</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../ui/flows.py" line="170" />
            <source>验证码错误，请核对短信后重新输入。</source>
            <extracomment>en: Wrong code. Please check the text message and type it again.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="173" />
            <source>验证码已过期，请重新获取。</source>
            <extracomment>en: The code has expired. Please ask for a new one.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="176" />
            <source>请输入短信中的 6 位验证码。</source>
            <extracomment>en: Please type the 6-digit code from the text message.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="178" />
            <source>重新发送验证码</source>
            <extracomment>en: Send the code again</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="182" />
            <source>换一种验证方式</source>
            <extracomment>en: Another way</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="188" />
            <source>请输入手机收到的短信验证码</source>
            <extracomment>en: Please type the code we sent to your phone</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="190" />
            <source>验证码已发送到您登记的手机号码，共 6 位数字。</source>
            <extracomment>en: The code was sent to the mobile phone number on record. It has 6 digits.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="256" />
            <source>请选择挂失方式</source>
            <extracomment>en: Which kind of loss report?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="268" />
            <source>返回上一步</source>
            <extracomment>en: Back</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="274" />
            <source>请选择临时挂失的期限</source>
            <extracomment>en: How long should the temporary loss report last?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="278" />
            <location filename="../ui/flows.py" line="311" />
            <source>挂失方式</source>
            <extracomment>en: Kind</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="281" />
            <source>期限</source>
            <extracomment>en: Lasts</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="285" />
            <source>挂失后，任何人都不能再使用这张卡（包括就医结算和支付）。</source>
            <extracomment>en: After the report, nobody can use the card, including for medical bills and payments.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="287" />
            <source>确认挂失</source>
            <extracomment>en: Report it lost</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="291" />
            <location filename="../ui/flows.py" line="456" />
            <source>重新选择</source>
            <extracomment>en: Choose again</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="297" />
            <source>确认挂失您的社会保障卡？</source>
            <extracomment>en: Report this card lost?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="313" />
            <source>挂失日期</source>
            <extracomment>en: Reported on</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="317" />
            <source>确认解除这张卡的挂失？</source>
            <extracomment>en: Cancel the loss report of this card?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="320" />
            <source>解除后卡片立即恢复使用。</source>
            <extracomment>en: The card can be used again right after.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="322" />
            <source>确认解除挂失</source>
            <extracomment>en: Cancel the loss report</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="324" />
            <source>返回</source>
            <extracomment>en: Go back</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="354" />
            <source>确认提交以下修改？</source>
            <extracomment>en: Save these changes?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="357" />
            <location filename="../ui/flows.py" line="454" />
            <source>确认提交</source>
            <extracomment>en: Confirm and submit</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="359" />
            <source>继续修改</source>
            <extracomment>en: Edit again</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="394" />
            <source>请选择换卡原因</source>
            <extracomment>en: Why do you need a new card?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="403" />
            <source>照片未通过审核，请正对摄像头重新拍摄。</source>
            <extracomment>en: The photo was not accepted. Please look straight at the camera and try again.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="408" />
            <source>提交申请（到网点领取）</source>
            <extracomment>en: Apply (collect at an outlet)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="411" />
            <source>改为邮寄</source>
            <extracomment>en: Send it by post instead</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="417" />
            <location filename="../ui/flows.py" line="443" />
            <source>换卡原因</source>
            <extracomment>en: Reason</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="419" />
            <source>照片</source>
            <extracomment>en: Photo</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="421" />
            <source>已拍摄</source>
            <extracomment>en: Taken</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="423" />
            <source>无需照片</source>
            <extracomment>en: Not needed</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="427" />
            <source>请确认换卡申请并选择领卡方式</source>
            <extracomment>en: How would you like to get the new card?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="435" />
            <source>该地址无法使用，请检查后重新填写。</source>
            <extracomment>en: This address cannot be used. Please check it.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="445" />
            <source>领卡方式</source>
            <extracomment>en: Delivery</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="449" />
            <source>邮寄地址</source>
            <extracomment>en: Address</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/flows.py" line="452" />
            <source>确认提交换卡申请？</source>
            <extracomment>en: Apply for a new card?</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>maintenance_messages</name>
        <message>
            <location filename="../ui/maintenance_messages.py" line="15" />
            <source>工号、密码或动态验证码不正确。</source>
            <extracomment>en: The account, PIN or one-time code is not right.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="20" />
            <source>无法连接社保系统：请输入本机的备用维护码。</source>
            <extracomment>en: The social security system cannot be reached: type this kiosk's local maintenance code.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="26" />
            <source>失败次数过多，维护模式已暂时锁定。</source>
            <extracomment>en: Too many failed attempts: maintenance is locked for a while.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="29" />
            <source>失败次数过多，维护模式已锁定至 %1。</source>
            <extracomment>en: Too many failed attempts: maintenance is locked until %1.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="35" />
            <source>（本机备用码）</source>
            <extracomment>en: (local code)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="40" />
            <source>%1 未成功（%2）。</source>
            <extracomment>en: %1 did not succeed (%2).</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="45" />
            <source>请在 30 秒内将卡片插入读卡器……</source>
            <extracomment>en: Insert a card into the reader within 30 seconds...</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="50" />
            <source>正在检查……</source>
            <extracomment>en: Checking...</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="56" />
            <source>共 %1 项检查，%2 项失败。</source>
            <extracomment>en: %1 checks, %2 failed.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="59" />
            <source>共 %1 项检查，全部正常。</source>
            <extracomment>en: %1 checks, none failed.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="64" />
            <source>已补发 %1 笔，仍待发送 %2 笔。</source>
            <extracomment>en: Sent: %1; still waiting: %2.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="70" />
            <source>未检测到U盘，请插入后重试。</source>
            <extracomment>en: No USB stick found. Insert one and try again.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="75" />
            <source>诊断包已导出：%1</source>
            <extracomment>en: Diagnostics bundle saved as %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="80" />
            <source>设置已保存（修改 %1 项）。</source>
            <extracomment>en: Settings saved (%1 changed).</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="86" />
            <source>终端编号</source>
            <extracomment>en: Kiosk id</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="88" />
            <source>社保系统地址</source>
            <extracomment>en: Back office address</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="90" />
            <source>适用地区规则</source>
            <extracomment>en: Regional rules</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="92" />
            <source>无操作等待时间（秒）</source>
            <extracomment>en: Idle time (seconds)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="94" />
            <source>语音音量</source>
            <extracomment>en: Speech volume</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="96" />
            <source>默认字体</source>
            <extracomment>en: Text size at start</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="98" />
            <source>密码键盘乱序</source>
            <extracomment>en: Shuffled PIN keypad</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="100" />
            <source>默认开启语音</source>
            <extracomment>en: Speech on at start</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="102" />
            <source>默认高对比</source>
            <extracomment>en: High contrast at start</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="104" />
            <source>摄像头</source>
            <extracomment>en: Camera</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="113" />
            <source>开</source>
            <extracomment>en: on</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="116" />
            <source>关</source>
            <extracomment>en: off</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="119" />
            <source>大字版</source>
            <extracomment>en: large (elderly)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="122" />
            <source>标准</source>
            <extracomment>en: normal</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="128" />
            <source>本机未配置语音播报。</source>
            <extracomment>en: This kiosk has no speech output.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/maintenance_messages.py" line="133" />
            <source>这是社会保障卡自助服务终端的语音测试。</source>
            <extracomment>en: This is the speech test of the social security card kiosk.</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>messages</name>
        <message numerus="yes">
            <location filename="../ui/messages.py" line="56" />
            <source>密码错误，还可尝试 %n 次</source>
            <extracomment>en: Wrong PIN. You have %n tries left.</extracomment>
            <translation>
                <numerusform>密码错误，还可尝试 %n 次</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../ui/messages.py" line="61" />
            <source>新密码不能是 123456，不能 6 位全部相同（如 111111），也不能是连续数字（如 123456、654321）。</source>
            <extracomment>en: The new PIN must not be 123456, must not be one digit six times (such as 111111), and must not be a run (such as 123456 or 654321).</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="72" />
            <source>两次输入的新密码不一致，请重新设置新密码。</source>
            <extracomment>en: The two new PINs you typed are not the same. Please set your new PIN again.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="75" />
            <source>密码必须是 6 位数字。</source>
            <extracomment>en: The PIN has 6 digits.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="78" />
            <source>新密码不能使用初始密码 123456，请换一个。</source>
            <extracomment>en: The new PIN cannot be the initial PIN 123456. Please choose another.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="81" />
            <source>新密码 6 位全部相同，容易被猜到，请换一个。</source>
            <extracomment>en: A PIN of one digit six times is too easy to guess. Please choose another.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="84" />
            <source>新密码是连续数字，容易被猜到，请换一个。</source>
            <extracomment>en: A PIN of consecutive digits is too easy to guess. Please choose another.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="86" />
            <source>这个新密码不能使用，请换一个。</source>
            <extracomment>en: This PIN cannot be used. Please choose another.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="93" />
            <source>本次办理已结束。</source>
            <extracomment>en: Your session has ended.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="98" />
            <source>请取回您的社会保障卡。</source>
            <extracomment>en: Please take your social security card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="103" />
            <source>请取回您的社会保障卡，到柜台办理。</source>
            <extracomment>en: Please take your card and go to a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="115" />
            <source>密码错误</source>
            <extracomment>en: Wrong PIN</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="117" />
            <source>请重新输入密码。</source>
            <extracomment>en: Please type your PIN again.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="120" />
            <source>密码已锁定</source>
            <extracomment>en: Your PIN is blocked</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="122" />
            <source>密码连续输错 6 次，社会保障卡密码已被锁定。</source>
            <extracomment>en: A wrong PIN was typed 6 times in a row, so the card's PIN is now blocked.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="124" />
            <source>请取回您的社会保障卡，到柜台办理密码解锁。</source>
            <extracomment>en: Please take your card and go to a service counter to unblock the PIN.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="127" />
            <source>请换一个新密码</source>
            <extracomment>en: Please choose another PIN</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="131" />
            <source>本机只能办理第三代社会保障卡。</source>
            <extracomment>en: This kiosk serves third-generation social security cards only.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="134" />
            <source>本机无法识别这张卡片。</source>
            <extracomment>en: This kiosk does not recognise this card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="136" />
            <source>此卡无法在本机办理</source>
            <extracomment>en: This card cannot be served at this kiosk</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="139" />
            <source>卡片已取出</source>
            <extracomment>en: The card was taken out</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="141" />
            <source>如需继续办理，请重新插入社会保障卡。</source>
            <extracomment>en: To start again, please insert your card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="144" />
            <source>未检测到卡片</source>
            <extracomment>en: No card found</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="146" />
            <source>请将社会保障卡芯片朝上，插入读卡口。</source>
            <extracomment>en: Please insert your social security card into the reader, chip first and facing up.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="149" />
            <source>本机暂停服务</source>
            <extracomment>en: This kiosk is out of service</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="151" />
            <source>本机暂时无法保存办理记录，为保障您的业务安全，暂停办理业务。</source>
            <extracomment>en: This kiosk cannot save its service records at the moment, so it starts no service.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="153" />
            <source>已通知工作人员。请联系工作人员，或到柜台办理。</source>
            <extracomment>en: The staff have been told. Please contact a member of staff, or go to a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="156" />
            <source>读卡器暂时无法使用</source>
            <extracomment>en: The card reader is not available</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="158" />
            <source>本机暂时无法读卡。</source>
            <extracomment>en: This kiosk cannot read cards at the moment.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="160" />
            <source>请到柜台办理，或联系工作人员。</source>
            <extracomment>en: Please go to a service counter or ask a member of staff.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="163" />
            <source>读卡超时</source>
            <extracomment>en: The card did not answer</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="165" />
            <source>卡片没有及时应答。</source>
            <extracomment>en: The card did not answer in time.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="167" />
            <source>请取出卡片后重新插入。如仍不成功，请到柜台办理。</source>
            <extracomment>en: Please take out your card and insert it again. If it still fails, go to a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="170" />
            <source>卡片已锁定</source>
            <extracomment>en: This card is locked</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="172" />
            <source>这张卡片的社保应用已被永久锁定。</source>
            <extracomment>en: The card's social security application is locked for good.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="174" />
            <source>请取回您的社会保障卡，到柜台申请换卡。</source>
            <extracomment>en: Please take your card and go to a service counter to get a new card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="177" />
            <source>卡片验证未通过</source>
            <extracomment>en: The card could not be verified</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="179" />
            <source>本机无法与社保系统确认这张卡片。</source>
            <extracomment>en: The kiosk could not confirm this card with the social security system.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="188" />
            <source>无法确认办理结果</source>
            <extracomment>en: The result is not known</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="186" />
            <source>社保系统应答前网络中断，无法确认是否办理成功。</source>
            <extracomment>en: The connection was lost before the social security system answered.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="190" />
            <source>请取回您的社会保障卡，到柜台查询。</source>
            <extracomment>en: Please take your card and ask at a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="201" />
            <source>暂时无法连接社保系统</source>
            <extracomment>en: The social security system cannot be reached</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="203" />
            <source>本机暂时无法连接社保系统，您的卡片和信息没有任何改动。</source>
            <extracomment>en: The kiosk cannot reach the social security system at the moment. Nothing was changed.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="223" />
            <source>请取回您的社会保障卡，稍后再试或到柜台办理。</source>
            <extracomment>en: Please take your card, and try again later or go to a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="207" />
            <location filename="../ui/messages.py" line="330" />
            <source>无法办理此业务</source>
            <extracomment>en: This service cannot be done here</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="183" />
            <source>社保系统没有在规定时间内应答，无法确认是否办理成功。</source>
            <extracomment>en: The social security system did not answer in time, so the kiosk cannot tell whether it was done.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="195" />
            <source>社保系统响应超时</source>
            <extracomment>en: The social security system is answering too slowly</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="197" />
            <source>社保系统没有在规定时间内应答，您的卡片和信息没有任何改动。</source>
            <extracomment>en: The social security system did not answer in time. Your card and your details were not changed.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="209" />
            <source>社保系统未能受理本次请求。</source>
            <extracomment>en: The social security system did not accept the request.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="212" />
            <source>读卡失败</source>
            <extracomment>en: The card could not be read</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="214" />
            <source>卡片应答异常，本机无法继续办理。</source>
            <extracomment>en: The card gave an answer the kiosk did not expect.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="216" />
            <source>系统出现异常</source>
            <extracomment>en: Something went wrong</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="218" />
            <source>本机未能完成本次办理。</source>
            <extracomment>en: The kiosk could not finish this service.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="237" />
            <source>依据：本地办法%1</source>
            <extracomment>en: Rule: %1 of the local regulation</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="245" />
            <source>请到社会保障卡合作银行网点办理。</source>
            <extracomment>en: Please go to a branch of your card's bank.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="248" />
            <source>您可以通过网上服务或到柜台办理。</source>
            <extracomment>en: You can do it online or at a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="250" />
            <source>请到柜台办理。</source>
            <extracomment>en: Please go to a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="262" />
            <source>本机不能办理此业务</source>
            <extracomment>en: This service is not available at this kiosk</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="264" />
            <source>根据本地规定，此业务需在其他渠道办理。</source>
            <extracomment>en: Under the local regulation, this service is done elsewhere.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="268" />
            <source>此卡已挂失</source>
            <extracomment>en: This card is reported lost</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="270" />
            <source>这张卡已经挂失，不能办理此业务。</source>
            <extracomment>en: The card is already reported lost, so this cannot be done with it.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="272" />
            <source>如需继续使用，请先解除挂失；如需新卡，请到柜台申请补卡。</source>
            <extracomment>en: To use the card again, cancel the loss report first; for a new card, apply for a replacement at a counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="275" />
            <source>此卡未挂失</source>
            <extracomment>en: This card is not reported lost</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="277" />
            <source>这张卡没有挂失记录，可以正常使用。</source>
            <extracomment>en: There is no loss report to cancel: the card is in normal use.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="280" />
            <source>正式挂失不能解除</source>
            <extracomment>en: A formal loss report cannot be cancelled</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="282" />
            <source>正式挂失后，原卡不能再恢复使用。</source>
            <extracomment>en: After a formal loss report the card cannot be used again.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="284" />
            <source>请到柜台申请补卡。</source>
            <extracomment>en: Please apply for a replacement card at a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="287" />
            <source>此卡已失效</source>
            <extracomment>en: This card is no longer valid</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="289" />
            <source>这张卡已注销或已被新卡替换。</source>
            <extracomment>en: This card was cancelled or replaced by a newer card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="292" />
            <source>已有换卡申请在办理中</source>
            <extracomment>en: A new card is already on its way</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="294" />
            <source>同一时间只能有一个申请。您可以通过“查询卡状态和制卡进度”查看进度。</source>
            <extracomment>en: Only one application can run at a time. You can follow it under "Card status and progress".</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="298" />
            <source>此信息不能在本机修改</source>
            <extracomment>en: This information cannot be changed here</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="300" />
            <source>姓名、身份证号码、照片等关键信息需要换卡办理。</source>
            <extracomment>en: Key information (name, ID number, photo...) is changed with a new card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="303" />
            <source>照片不符合要求</source>
            <extracomment>en: The photo cannot be used</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="305" />
            <source>社保系统未通过该照片。</source>
            <extracomment>en: The social security system did not accept the photo.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="307" />
            <source>请重新拍照。</source>
            <extracomment>en: Please take the photo again.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="310" />
            <source>身份核验未通过</source>
            <extracomment>en: We could not confirm who you are</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="312" />
            <source>您提供的信息与社保系统记录不一致。</source>
            <extracomment>en: The details do not match the records of the social security system.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="314" />
            <source>请携带身份证到柜台办理。</source>
            <extracomment>en: Please bring your ID card to a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="317" />
            <source>尝试次数过多</source>
            <extracomment>en: Too many attempts</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="319" />
            <source>为保护您的账户安全，暂停办理一段时间。没有做任何改动。</source>
            <extracomment>en: For your safety this is paused for a while. Nothing was changed.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="321" />
            <source>请稍后再试或到柜台办理。</source>
            <extracomment>en: Please try again later or go to a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="324" />
            <source>办理超时</source>
            <extracomment>en: The session has expired</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="326" />
            <source>办理时间过长，为了安全已结束。没有做任何改动。</source>
            <extracomment>en: The service took too long and was ended for your safety. Nothing was changed.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="328" />
            <source>请重新开始办理。</source>
            <extracomment>en: Please start again.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="332" />
            <source>社保系统未受理本次申请。</source>
            <extracomment>en: The social security system declined the request.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="339" />
            <source>密码修改成功</source>
            <extracomment>en: Your PIN has been changed</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="341" />
            <source>新密码已生效，请牢记并妥善保管。</source>
            <extracomment>en: Your new PIN is active now. Please remember it and keep it secret.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="347" />
            <source>操作超时</source>
            <extracomment>en: Time is up</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="349" />
            <source>长时间没有操作，本次办理已结束，没有做任何改动。</source>
            <extracomment>en: There was no input for a while, so the service was ended. Nothing was changed.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="355" />
            <source>感谢使用</source>
            <extracomment>en: Thank you</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="363" />
            <source>取消办理</source>
            <extracomment>en: Cancel</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="370" />
            <source>摄像头已停止工作（可能已断开连接）。</source>
            <extracomment>en: The camera stopped working (it may have been disconnected).</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="373" />
            <source>摄像头正被其他程序占用。</source>
            <extracomment>en: The camera is being used by another program.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="376" />
            <source>摄像头没有画面。</source>
            <extracomment>en: The camera does not send pictures.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="378" />
            <source>未找到本机的摄像头。</source>
            <extracomment>en: This kiosk's camera cannot be found.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="383" />
            <source>本机暂不能刷脸验证，请使用短信验证码。</source>
            <extracomment>en: The face check is not available at this kiosk. Please use a text message code.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="388" />
            <source>使用短信验证码</source>
            <extracomment>en: Use a text message code</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="393" />
            <source>新卡邮寄到哪里？</source>
            <extracomment>en: Where should the new card be posted?</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="398" />
            <source>寄到登记的地址：%1</source>
            <extracomment>en: To the address on record: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/messages.py" line="403" />
            <source>填写新的邮寄地址</source>
            <extracomment>en: Type a new address</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>outcomes</name>
        <message>
            <location filename="../ui/outcomes.py" line="24" />
            <source>请取回您的社会保障卡。</source>
            <extracomment>en: Please take your social security card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="29" />
            <source>新密码设置成功</source>
            <extracomment>en: Your new PIN is set</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="31" />
            <source>密码已重置，新密码已生效，请牢记。</source>
            <extracomment>en: The PIN was reset and your new PIN is active now. Please remember it.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="37" />
            <source>密码解锁成功</source>
            <extracomment>en: Your PIN is unblocked</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="39" />
            <source>卡片密码已恢复使用，密码没有改变。</source>
            <extracomment>en: Your card's PIN works again; it has not changed.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="49" />
            <source>新密码已生效</source>
            <extracomment>en: Your new PIN is in force</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="51" />
            <source>卡片上的密码修改已完成：新密码已生效，原密码已不能使用。</source>
            <extracomment>en: The PIN change was completed on your card: the new PIN works now and the old one no longer does.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="53" />
            <source>请牢记您的新密码。</source>
            <extracomment>en: Please remember your new PIN.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="57" />
            <source>密码已重置</source>
            <extracomment>en: Your PIN was reset</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="59" />
            <source>您卡片的密码现在是初始密码 123456。</source>
            <extracomment>en: Your card's PIN is now the initial PIN 123456.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="61" />
            <source>请在使用前到自助机“修改密码”设置新密码。</source>
            <extracomment>en: Please change it at a kiosk (Change PIN) before you use the card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="77" />
            <source>尾号 %1 的社会保障卡已%2，现在任何人都不能使用。</source>
            <extracomment>en: The card %1 is reported lost (%2) and cannot be used by anyone now.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="81" />
            <source>挂失将于 %1 自动解除。</source>
            <extracomment>en: The loss report ends by itself on %1.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="84" />
            <source>卡内银行账户的挂失请联系合作银行办理。</source>
            <extracomment>en: The bank account of the card is reported separately, with the bank.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="86" />
            <source>挂失成功</source>
            <extracomment>en: Your card is reported lost</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="88" />
            <source>如找回卡片，可以到自助机或柜台解除挂失。</source>
            <extracomment>en: If you find the card, you can cancel the report at a kiosk or a counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="94" />
            <source>解除挂失成功</source>
            <extracomment>en: The loss report is cancelled</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="96" />
            <source>您的社会保障卡现在可以正常使用了。</source>
            <extracomment>en: Your card can be used again from now on.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="103" />
            <source>信息修改成功</source>
            <extracomment>en: Your details are updated</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="105" />
            <source>已更新：%1。</source>
            <extracomment>en: Updated: %1.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="112" />
            <source>申请编号：%1</source>
            <extracomment>en: Application number: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="116" />
            <source>预计 %1 前制作完成。</source>
            <extracomment>en: Expected to be ready by %1.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="121" />
            <source>新卡将邮寄给您。</source>
            <extracomment>en: The card will be sent by post.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="124" />
            <source>领取网点：%1</source>
            <extracomment>en: Collect it at: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="126" />
            <source>换卡申请已提交</source>
            <extracomment>en: Your application is submitted</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="128" />
            <source>可通过“查询卡状态和制卡进度”查看进度。新卡领取前请保留旧卡。</source>
            <extracomment>en: You can follow it under "Card status and progress". Please keep your old card until the new one arrives.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="144" />
            <source>申请已记录</source>
            <extracomment>en: Your request is recorded</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="138" />
            <source>社保系统暂未确认，本机会自动重新提交。查询编号：%1</source>
            <extracomment>en: The social security system has not confirmed it yet; the kiosk will send it again by itself. Reference: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="142" />
            <source>确认之前卡片可能仍可使用；如情况紧急，请立即拨打 12333 电话挂失。</source>
            <extracomment>en: Until it is confirmed the card may still be usable: if it is urgent, report the loss by calling 12333 now.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="146" />
            <source>您可以稍后通过“查询卡状态和制卡进度”查看办理结果。如明天仍未确认，请凭查询编号拨打 12333 或到柜台咨询。</source>
            <extracomment>en: You can check the result later under "Card status and progress". If it is not confirmed by tomorrow, call 12333 or go to a service counter with the reference number.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="152" />
            <source>身份核验未通过</source>
            <extracomment>en: We could not confirm who you are</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="154" />
            <source>为保护您的安全，本次办理已结束，没有做任何改动。</source>
            <extracomment>en: For your safety the service was ended. Nothing was changed.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="156" />
            <source>请携带身份证到柜台办理。</source>
            <extracomment>en: Please bring your ID card to a service counter.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="162" />
            <source>已呼叫工作人员</source>
            <extracomment>en: Staff are on their way</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/outcomes.py" line="164" />
            <source>请在原地稍候，工作人员马上过来帮助您。</source>
            <extracomment>en: Please wait here, a member of staff will come to help you.</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>profile</name>
        <message>
            <location filename="../ui/profile_editing.py" line="32" />
            <source>%1属于关键信息，需要换卡办理。</source>
            <extracomment>en: %1 is key information: it changes only with a new card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/profile_editing.py" line="36" />
            <source>您还没有修改任何信息。</source>
            <extracomment>en: Nothing has been changed yet.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/profile_editing.py" line="40" />
            <source>请输入以 1 开头的 11 位手机号码。</source>
            <extracomment>en: Please type an 11-digit mobile number starting with 1.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/profile_editing.py" line="43" />
            <source>该地址无法使用（过长或含有不允许的字符）。</source>
            <extracomment>en: This address cannot be used (too long, or a character not allowed).</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/profile_editing.py" line="46" />
            <source>证件有效期不能早于今天。</source>
            <extracomment>en: The ID card's validity cannot be in the past.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/profile_editing.py" line="48" />
            <source>该内容无法使用，请检查。</source>
            <extracomment>en: This value cannot be used. Please check it.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/profile_editing.py" line="51" />
            <source>此信息不能在本机修改。</source>
            <extracomment>en: This information cannot be changed at this kiosk.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/profile_editing.py" line="84" />
            <source>新的%1</source>
            <extracomment>en: New: %1</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/profile_editing.py" line="90" />
            <location filename="../ui/profile_editing.py" line="111" />
            <source>返回</source>
            <extracomment>en: Back</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>texts</name>
        <message>
            <location filename="../ui/texts.py" line="27" />
            <source>修改密码</source>
            <extracomment>en: Change PIN</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="30" />
            <source>忘记密码（重置）</source>
            <extracomment>en: Forgot PIN (reset)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="33" />
            <source>密码解锁</source>
            <extracomment>en: Unblock PIN</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="36" />
            <source>挂失</source>
            <extracomment>en: Report a lost card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="39" />
            <source>解除挂失</source>
            <extracomment>en: Cancel a loss report</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="42" />
            <source>修改个人信息</source>
            <extracomment>en: Update my details</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="45" />
            <source>查询卡状态和制卡进度</source>
            <extracomment>en: Card status and progress</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="48" />
            <source>申请换卡</source>
            <extracomment>en: Apply for a new card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="50" />
            <source>业务</source>
            <extracomment>en: Service</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="57" />
            <source>记得原密码，想换新密码</source>
            <extracomment>en: You know your PIN and want a new one</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="60" />
            <source>通过短信验证设置新密码</source>
            <extracomment>en: Set a new PIN with a text message code</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="63" />
            <source>密码输错被锁，仍记得密码</source>
            <extracomment>en: Wrong PIN typed too often, you still know it</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="66" />
            <source>找回了已挂失的卡</source>
            <extracomment>en: Your lost card was found</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="69" />
            <source>手机号码、地址等</source>
            <extracomment>en: Phone number, address and more</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="72" />
            <source>卡片状态和新卡制作进度</source>
            <extracomment>en: Card status and where your new card is</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="75" />
            <source>卡片到期、损坏或无法使用</source>
            <extracomment>en: Expired, damaged or unreadable card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="78" />
            <source>防止卡片被他人使用</source>
            <extracomment>en: Stop your card from being used</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="87" />
            <source>发送短信验证码到我的手机</source>
            <extracomment>en: Text message code to my phone</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="90" />
            <source>刷脸验证</source>
            <extracomment>en: Face check with the camera</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="92" />
            <source>其他方式</source>
            <extracomment>en: Other way</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="100" />
            <source>临时挂失</source>
            <extracomment>en: Temporary loss report</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="103" />
            <source>正式挂失</source>
            <extracomment>en: Formal loss report</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="110" />
            <source>卡片暂停使用，找回后可以解除挂失。卡片可能找回时选择。</source>
            <extracomment>en: The card stops working until you cancel the report. Choose this if the card may turn up.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="113" />
            <source>卡片永久停用，之后需要申请补卡。</source>
            <extracomment>en: The card is stopped for good; you then apply for a replacement card.</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="120" />
            <source>直到我解除挂失</source>
            <extracomment>en: Until I cancel it</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="123" />
            <source>长期（直到我解除挂失）</source>
            <extracomment>en: Long-term (until I cancel it)</extracomment>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <location filename="../ui/texts.py" line="128" />
            <source>%n 天，到期自动解除</source>
            <extracomment>en: %n days, then it ends by itself</extracomment>
            <translation>
                <numerusform>%n 天，到期自动解除</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../ui/texts.py" line="137" />
            <source>卡片有效期已到或即将到期</source>
            <extracomment>en: The card has expired or will soon</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="139" />
            <source>卡片损坏</source>
            <extracomment>en: The card is damaged</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="141" />
            <source>卡片无法读取</source>
            <extracomment>en: The card cannot be read</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="143" />
            <source>换领新一代社会保障卡</source>
            <extracomment>en: Change to a new-generation card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="145" />
            <source>本人相貌变化较大</source>
            <extracomment>en: I look different from the photo on the card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="147" />
            <source>儿童年满 7 周岁</source>
            <extracomment>en: A child turning 7</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="149" />
            <source>年满 18 周岁</source>
            <extracomment>en: Turning 18</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="153" />
            <source>其他原因</source>
            <extracomment>en: Other reason</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="160" />
            <source>请站到摄像头前</source>
            <extracomment>en: Please stand in front of the camera</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="162" />
            <source>镜头前请只留一人</source>
            <extracomment>en: Only one person in front of the camera, please</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="164" />
            <source>请再靠近一点</source>
            <extracomment>en: Please come a little closer</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="166" />
            <source>请稍微后退一点</source>
            <extracomment>en: Please step back a little</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="168" />
            <source>请移到画面中间</source>
            <extracomment>en: Please move to the middle of the picture</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="170" />
            <source>请摆正头部，正对摄像头</source>
            <extracomment>en: Please hold your head straight and face the camera</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="172" />
            <source>光线太暗，请联系工作人员</source>
            <extracomment>en: It is too dark here; please ask the staff for help</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="174" />
            <source>光线太亮，请避开直射光</source>
            <extracomment>en: It is too bright; please step out of the direct light</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="176" />
            <source>脸部光线不均匀，请正对屏幕</source>
            <extracomment>en: The light on your face is uneven</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="178" />
            <source>请保持不动</source>
            <extracomment>en: Please keep still</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="180" />
            <source>背景须为白色，请站到白色背景前</source>
            <extracomment>en: The background must be white; please stand in front of the white wall</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="184" />
            <source>很好，请保持不动……</source>
            <extracomment>en: Good. Please keep still...</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="187" />
            <source>请正对摄像头</source>
            <extracomment>en: Please look straight at the camera</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="199" />
            <source>照片不符合制卡要求，请重新拍摄</source>
            <extracomment>en: The picture did not meet the card photo rules; please try again</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="205" />
            <source>到服务网点领取</source>
            <extracomment>en: Collect it at a service outlet</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="208" />
            <source>邮寄到家</source>
            <extracomment>en: Send it by post</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="210" />
            <source>领取方式</source>
            <extracomment>en: Delivery</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="218" />
            <source>手机号码</source>
            <extracomment>en: Mobile phone</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="220" />
            <source>常住地址</source>
            <extracomment>en: Home address</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="222" />
            <source>通讯地址</source>
            <extracomment>en: Mailing address</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="224" />
            <source>证件有效期</source>
            <extracomment>en: ID card valid until</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="226" />
            <source>民族</source>
            <extracomment>en: Ethnic group</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="228" />
            <source>国籍</source>
            <extracomment>en: Nationality</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="230" />
            <source>性别</source>
            <extracomment>en: Gender</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="232" />
            <source>姓名</source>
            <extracomment>en: Name</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="234" />
            <source>身份证号码</source>
            <extracomment>en: ID number</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="236" />
            <source>照片</source>
            <extracomment>en: Photo</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="240" />
            <source>信息</source>
            <extracomment>en: Information</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="246" />
            <source>男</source>
            <extracomment>en: Male</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="249" />
            <source>女</source>
            <extracomment>en: Female</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="252" />
            <source>未说明</source>
            <extracomment>en: Not stated</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="258" />
            <source>（未登记）</source>
            <extracomment>en: (not on record)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="266" />
            <source>正常使用</source>
            <extracomment>en: In use</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="269" />
            <source>临时挂失中</source>
            <extracomment>en: Temporarily reported lost</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="271" />
            <source>已正式挂失</source>
            <extracomment>en: Formally reported lost</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="273" />
            <source>尚未启用</source>
            <extracomment>en: Not activated yet</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="275" />
            <source>已注销</source>
            <extracomment>en: Cancelled</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="277" />
            <source>已换卡</source>
            <extracomment>en: Replaced by a new card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="279" />
            <source>已过期</source>
            <extracomment>en: Expired</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="283" />
            <source>未知</source>
            <extracomment>en: Unknown</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="289" />
            <source>申请已受理</source>
            <extracomment>en: Application accepted</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="291" />
            <source>已上传省级系统</source>
            <extracomment>en: Sent to the province</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="293" />
            <source>银行账户已开通</source>
            <extracomment>en: Bank account opened</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="295" />
            <source>卡片已制作</source>
            <extracomment>en: Card manufactured</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="297" />
            <source>卡片已写入个人信息</source>
            <extracomment>en: Card personalised</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="299" />
            <source>已送达服务网点</source>
            <extracomment>en: Delivered to the outlet</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="301" />
            <source>可以领取</source>
            <extracomment>en: Ready for pickup</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="303" />
            <source>已领取</source>
            <extracomment>en: Collected</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="307" />
            <source>办理中</source>
            <extracomment>en: In progress</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="313" />
            <source>换卡</source>
            <extracomment>en: New card (renewal)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="316" />
            <source>补卡</source>
            <extracomment>en: Replacement card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="319" />
            <source>首次申领</source>
            <extracomment>en: First card</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="321" />
            <source>制卡申请</source>
            <extracomment>en: Card application</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="333" />
            <source>长期</source>
            <extracomment>en: Long-term</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="355" />
            <source>中国</source>
            <extracomment>en: China</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="357" />
            <source>中国香港</source>
            <extracomment>en: Hong Kong, China</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="359" />
            <source>中国澳门</source>
            <extracomment>en: Macao, China</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="361" />
            <source>中国台湾</source>
            <extracomment>en: Taiwan, China</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="363" />
            <source>韩国</source>
            <extracomment>en: Korea</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="365" />
            <source>日本</source>
            <extracomment>en: Japan</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="367" />
            <source>越南</source>
            <extracomment>en: Viet Nam</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="369" />
            <source>俄罗斯</source>
            <extracomment>en: Russia</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="371" />
            <source>美国</source>
            <extracomment>en: United States</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="373" />
            <source>英国</source>
            <extracomment>en: United Kingdom</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="375" />
            <source>德国</source>
            <extracomment>en: Germany</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="377" />
            <source>法国</source>
            <extracomment>en: France</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="379" />
            <source>新加坡</source>
            <extracomment>en: Singapore</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/texts.py" line="381" />
            <source>马来西亚</source>
            <extracomment>en: Malaysia</extracomment>
            <translation type="unfinished" />
        </message>
    </context>
</TS>